/**
 * Path and query reflection: whatever URL a visitor asks for, the page shows it escaped (the
 * page's markup never changes), shortened, and the incident record keeps the path but not the
 * query unless the owner opted in.
 */
import fc from "fast-check";
import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import { errorPages } from "../../src/site/error-pages";
import type { IncidentRecord } from "../../src/core/incident";
import { anyText } from "./arbitraries";

vi.mock("cloudflare:sockets", () => ({
  connect: () => {
    throw new Error("cloudflare:sockets is not available in Node");
  },
}));

function app(storeQuery: boolean) {
  const records: IncidentRecord[] = [];
  const pending: Promise<unknown>[] = [];
  const kv = {
    async put(key: string, value: string) {
      if (key.startsWith("r:")) records.push(JSON.parse(value) as IncidentRecord);
    },
  };
  const hono = new Hono();
  hono.use(errorPages({ probe: false, incidents: { storeQuery, budget: { perWindow: 1000 } } }));
  hono.all("*", () => new Response("<h1>down</h1>", { status: 502, headers: { "content-type": "text/html" } }));
  const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} };
  return {
    request: (url: string, accept = "text/html") => hono.request(url, { headers: { accept } }, { INCIDENTS: kv }, ctx as unknown as ExecutionContext),
    async records() {
      await Promise.all(pending.splice(0));
      return records.splice(0);
    },
  };
}

const markup = (html: string): string => html.replace(/[^<>"'`]/g, "");
/** Paths as sent: any text, including broken %-escapes, `..`, backslashes and markup. */
const path = fc.oneof(anyText(300), fc.constantFrom("%", "%zz", "%E0%A4%A", "%00", "..%2F..%2F", "\\..\\", "<script>alert(1)</script>", `"><svg onload=alert(1)>`, "a".repeat(9000)));
const query = fc.oneof(anyText(200), fc.constantFrom("token=s3cr3t&x=%", "q=<b>", "a=1#frag"));

describe("path and query reflection", () => {
  it("never changes the page's markup and keeps the shown URL short", async () => {
    const a = app(false);
    const baseline = markup(await (await a.request("https://shop.test/x?y")).text());
    await fc.assert(
      fc.asyncProperty(path, query, async (p, q) => {
        const res = await a.request(`https://shop.test/${p}?${q}`);
        expect(res.status).toBe(502);
        const html = await res.text();
        expect(markup(html)).toBe(baseline);
        // The URL is shown once, as the report's URL line (English page: "URL: …").
        const shown = /<pre id="report">[^<]*^URL: ([^\n<]*)$/m.exec(html)?.[1];
        expect(shown).toBeDefined();
        expect(shown!.length).toBeLessThanOrEqual(300 * 6); // 300 characters, each escaped to at most 6
      }),
      { numRuns: 200 },
    );
  });

  it("gives valid problem+json for any URL", async () => {
    const a = app(false);
    await fc.assert(
      fc.asyncProperty(path, query, async (p, q) => {
        const res = await a.request(`https://shop.test/${p}?${q}`, "application/json");
        const body = (await res.json()) as { error_code: number; zone: string };
        expect(body).toMatchObject({ error_code: 502, zone: "shop.test" });
      }),
      { numRuns: 100 },
    );
  });

  it("records the path (bounded) and never the query unless STORE_QUERY", async () => {
    const off = app(false);
    const on = app(true);
    await fc.assert(
      fc.asyncProperty(path, fc.stringMatching(/^[a-z0-9]{12}$/), async (p, marker) => {
        // A "#" would turn the query into a fragment, which is never sent.
        const url = `https://shop.test/${p.replace(/#/g, "")}?q=QS${marker}`;
        await off.request(url);
        await on.request(url);
        const [kept] = await on.records();
        const [dropped] = await off.records();
        expect(JSON.stringify(dropped)).not.toContain(`QS${marker}`);
        expect(dropped?.query).toBeUndefined();
        expect(kept?.query).toContain(`QS${marker}`);
        for (const r of [kept, dropped]) {
          expect(r?.path.startsWith("/")).toBe(true);
          expect(r?.path.length).toBeLessThanOrEqual(2048);
        }
      }),
      { numRuns: 100 },
    );
  });
});
