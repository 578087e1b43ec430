/** The verification snippets in docs/alerts.md, run as written against a body the ledger signed. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importSigningKey, signBody } from "../../src/ledger/alerts/sign";

const doc = readFileSync(new URL("../../docs/alerts.md", import.meta.url), "utf8");
const snippet = (lang: string): string => {
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(doc);
  if (!m?.[1]) throw new Error(`no ${lang} snippet in docs/alerts.md`);
  return m[1];
};

const SECRET = "docs-secret";
const body = JSON.stringify({ event: "test", incident_id: "test-1", note: "ünïcode — 한글" });

async function signed(): Promise<{ ts: string; sig: string }> {
  const ts = Math.floor(Date.now() / 1000);
  return { ts: String(ts), sig: await signBody(await importSigningKey(SECRET), ts, body) };
}

describe("docs/alerts.md verification snippets", () => {
  it("Node: accepts the ledger's signature, rejects a changed body or an old timestamp", async () => {
    const { ts, sig } = await signed();
    const source = snippet("js").replace("export function", "function");
    const verify = new Function("createHmac", "timingSafeEqual", "Buffer", `${source.replace(/^import .*$/m, "")}; return verify;`)(
      (await import("node:crypto")).createHmac, (await import("node:crypto")).timingSafeEqual, Buffer,
    ) as (s: string, h: Record<string, string>, raw: string) => boolean;
    expect(verify(SECRET, { "x-timestamp": ts, "x-signature": sig }, body)).toBe(true);
    expect(verify(SECRET, { "x-timestamp": ts, "x-signature": sig }, `${body} `)).toBe(false);
    expect(verify("other", { "x-timestamp": ts, "x-signature": sig }, body)).toBe(false);
    expect(verify(SECRET, { "x-timestamp": String(Number(ts) - 3600), "x-signature": sig }, body)).toBe(false);
  });

  it("Python: accepts the ledger's signature, rejects a changed body", async () => {
    const { ts, sig } = await signed();
    const program = `${snippet("python")}
import sys, json
args = json.loads(sys.stdin.read())
raw = args["body"].encode()
print(verify(args["secret"], {"x-timestamp": args["ts"], "x-signature": args["sig"]}, raw), verify(args["secret"], {"x-timestamp": args["ts"], "x-signature": args["sig"]}, raw + b" "))`;
    const out = execFileSync("python3", ["-c", program], { input: JSON.stringify({ secret: SECRET, ts, sig, body }), encoding: "utf8" });
    expect(out.trim()).toBe("True False");
  });
});
