/**
 * Hostile and malformed input against the built Worker in workerd, over real sockets: requests no
 * browser would send still get a proper page, what a visitor sends is never echoed unescaped,
 * secrets never reach pages, logs or the incident log, and personal data is stored only when the
 * owner opted in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { type Harness, loggedJson, startHarness } from "../support/harness";
import { httpRequest, rawBody, rawRequest } from "../support/http";
import { allRecords, dumpAll } from "../support/incidents";
import { startRawOrigin } from "../support/tap";
import { eventually } from "../support/worker";

let origins: Awaited<ReturnType<typeof startOrigins>>;
let crafted530: Awaited<ReturnType<typeof startRawOrigin>>;
let w: Harness;

const ADMIN_TOKEN = "ADMINSECRET-0123456789abcdef";
const AUTH = "AUTHSECRET-9f8e7d6c5b4a";
const COOKIE = "COOKIESECRET-1a2b3c4d5e6f";
const QUERY = "QUERYSECRET-a1b2c3d4";
const CLIENT_IP = "203.0.113.77";
/** Ten times the slowest answer here (origin timeout + probe); only a hung Worker reaches it. */
const CAP_MS = 25_000;

beforeAll(async () => {
  origins = await startOrigins({ backlog: false });
  // A 530 body shaped to make a backtracking 1xxx parser run for minutes: 8 KiB is what is read.
  const body = `error${" ".repeat(8000)}x`;
  crafted530 = await startRawOrigin(`HTTP/1.1 530 Origin Error\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  const refused = `http://127.0.0.1:${origins.refusedPort}`;
  const vars = { ORIGIN_TIMEOUT_MS: "5000", PROBE_TIMEOUT_MS: "1000", ADMIN_TOKEN };
  w = await startHarness([
    { name: "down", host: "down.test", vars: { ...vars, ORIGIN_URL: refused } },
    { name: "shop", host: "shop.test", vars: { ...vars, ORIGIN_URL: origins.http } },
    { name: "opted-in", host: "optin.test", vars: { ...vars, ORIGIN_URL: refused, STORE_QUERY: "true", STORE_CLIENT_IP: "true" } },
    { name: "crafted", host: "crafted.test", vars: { ...vars, ORIGIN_URL: crafted530.url } },
  ]);
});
afterAll(async () => {
  await w?.close();
  await Promise.all([crafted530?.close(), origins?.close()]);
});

/** The runtime's own 400 for a request target it cannot parse: not our page, no Ray ID, no record. */
function expectRefusedByRuntime(res: { status: number | undefined; text: string }): void {
  expect(res.status).toBe(400);
  expect(res.text).not.toMatch(/ray id|cf-ray/i);
}

/** A request head sent byte for byte (raw bytes are allowed in the path and headers). */
function head(path: Buffer | string, headers: Record<string, string> = {}, host = "down.test"): Buffer {
  const lines = Object.entries({ host, accept: "text/html", ...headers, connection: "close" }).map(([k, v]) => `${k}: ${v}\r\n`);
  return Buffer.concat([Buffer.from("GET ", "latin1"), Buffer.isBuffer(path) ? path : Buffer.from(path, "latin1"), Buffer.from(` HTTP/1.1\r\n${lines.join("")}\r\n`, "latin1")]);
}

/** The Worker's own error page: status, our headers, our markup, a Ray ID. */
function expectPage(res: { status: number | undefined; text: string }, code: number): string {
  expect(res.status).toBe(code);
  const [headText = ""] = res.text.split("\r\n\r\n", 1);
  expect(headText.toLowerCase()).toContain("cache-control: no-store");
  expect(headText.toLowerCase()).toContain("content-security-policy: default-src 'none'");
  const body = rawBody(res.text);
  expect(body).toContain(`| ${code}: `);
  expect(body).toMatch(/[0-9a-f]{16}/);
  return body;
}

describe("malformed requests get a proper page", () => {
  it.each([
    ["an 8 KiB path", "/" + "a".repeat(8192)],
    ["a 16 KiB path of escapes", "/" + "%41".repeat(5460)],
    ["broken percent-encoding", "/%zz/%E0%A4%A/%/%%/%0"],
    ["an encoded NUL and CRLF", "/x%00y%0D%0ASet-Cookie:%20a=b"],
    ["dot segments", "/../../..%2F..%2Fetc/passwd"],
    ["a query of escapes and markup", "/?q=%3Cscript%3E&%&=&lang=%zz&lang=ko"],
  ])("%s", async (_what, path) => {
    const body = expectPage(await rawRequest(w.port, head(path), CAP_MS), 521);
    expect(body).not.toContain("a".repeat(400));
    expect(body).not.toMatch(/<script>alert|Set-Cookie: a=b/i);
  });

  it("non-ASCII bytes in the path, valid UTF-8 or not", async () => {
    const utf8 = Buffer.concat([Buffer.from("/caf"), Buffer.from("é/日本語/🙂", "utf8")]);
    expectPage(await rawRequest(w.port, head(utf8), CAP_MS), 521);
    expectPage(await rawRequest(w.port, head(`/caf${encodeURIComponent("é/日本語/🙂")}`), CAP_MS), 521);
    // Invalid UTF-8 percent-encoded reaches the Worker; raw, the runtime's HTTP parser refuses it
    // with a plain 400 before any Worker runs.
    expectPage(await rawRequest(w.port, head("/a%FF%FE%80%C3%28%ED%A0%80"), CAP_MS), 521);
    const invalid = Buffer.from([0x2f, 0x61, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0xed, 0xa0, 0x80]);
    expectRefusedByRuntime(await rawRequest(w.port, head(invalid), CAP_MS));
  });

  it("garbage headers: control bytes, Latin-1, huge values, junk Accept and Accept-Language", async () => {
    const headers = {
      "x-junk": "a\x01b\x7fc\xff\xfe",
      accept: "text/html;q=\xff, */*;q=NaN, ;;;,,,=,=;q=",
      "accept-language": `${"ko-KR;q=0.9, ".repeat(400)}\x80\x81;q=x`,
      cookie: "c".repeat(32_000),
      "user-agent": "\xff".repeat(2000),
      "cf-ray": "\x01\x02 not a ray",
      "if-none-match": '"'.repeat(1000),
    };
    expectPage(await rawRequest(w.port, head("/", headers), CAP_MS), 521);
  });

  it("markup in the path and query is shown escaped, never executed", async () => {
    // Raw `"<>` in the request target are refused by the runtime's HTTP parser; encoded, as a
    // browser sends them, they reach the page, decoded or not, and must stay inert there.
    expectRefusedByRuntime(await rawRequest(w.port, head(`/"><script>alert(1)</script>`), CAP_MS));
    const res = await rawRequest(w.port, head(`/%22%3E%3Cscript%3Ealert(1)%3C/script%3E?x=%3Cimg%20src=x%20onerror=alert(1)%3E`), CAP_MS);
    const body = expectPage(res, 521);
    expect(body).not.toMatch(/<script>alert|<img src=x/);
    // What the visitor typed is still there for them to read, escaped.
    expect(body).toMatch(/%3Cscript%3E|&lt;script&gt;/);
  });

  it("unusual methods and HEAD", async () => {
    for (const method of ["HEAD", "OPTIONS", "DELETE", "PATCH", "PUT"]) {
      const res = await httpRequest(w.url, "/", { method, headers: { host: "down.test" }, capMs: CAP_MS });
      expect(res.status, method).toBe(521);
      if (method === "HEAD") expect(res.body.length).toBe(0);
    }
    const post = await httpRequest(w.url, "/form", { method: "POST", headers: { host: "down.test", "content-type": "application/x-www-form-urlencoded" }, body: "a=".repeat(50_000), capMs: CAP_MS });
    expect(post.status).toBe(521);
  });

  it("a 530 body crafted to make the 1xxx parser backtrack is answered before the cap", async () => {
    const res = await httpRequest(w.url, "/", { headers: { host: "crafted.test", accept: "application/json" }, capMs: CAP_MS });
    expect(res.status).toBe(530);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error_code: 530 });
  });
});

describe("Ray IDs from outside", () => {
  const problem = async (ray: string) => {
    const res = await httpRequest(w.url, "/", { headers: { host: "down.test", accept: "application/json", "cf-ray": ray }, capMs: CAP_MS });
    return { text: res.body.toString(), ray: (JSON.parse(res.body.toString()) as { ray_id: string }).ray_id };
  };

  it("keeps a well-formed cf-ray", async () => {
    expect((await problem("0123456789abcdef-ICN")).ray).toBe("0123456789abcdef-ICN");
  });

  it.each([
    ["oversized", `0123456789abcdef-ICN${"A".repeat(8000)}`],
    ["markup", `<script>alert(1)</script>`],
    ["a KV key", "t:0000000000000:x"],
    ["almost valid", "0123456789ABCDEF-icn"],
  ])("replaces a %s cf-ray and never echoes it", async (_what, forged) => {
    const { text, ray } = await problem(forged);
    expect(ray).toMatch(/^[0-9a-f]{16}$/);
    expect(text).not.toContain(forged.slice(0, 24));
  });
});

describe("the owner API", () => {
  const BASE = "/__errors";
  const owner = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const api = async (path: string, headers: Record<string, string> = {}, method = "GET") => {
    const res = await httpRequest(w.url, `${BASE}${path}`, { method, headers: { host: "down.test", ...headers }, capMs: CAP_MS });
    const text = res.body.toString();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as { error?: string; detail?: string } };
  };

  it.each([
    "/api/incidents?code=abc",
    // 599 is an origin's status an incident can carry; these are not.
    "/api/incidents?code=600",
    "/api/incidents?code=499",
    "/api/incidents?code=5020",
    "/api/incidents?limit=0",
    "/api/incidents?limit=1001",
    "/api/incidents?limit=-1",
    "/api/incidents?limit=1e3",
    "/api/incidents?limit=%20",
    "/api/incidents?since=garbage",
    "/api/incidents?since=2026-13-45",
    "/api/incidents?since=9999999d",
    "/api/incidents?until=yesterday",
    "/api/incidents?since=1h&until=2h",
    "/api/incidents?host=%3Cscript%3E",
    `/api/incidents?host=${"a".repeat(300)}`,
    "/api/incidents?path=no-slash",
    "/api/incidents?path=%2Fa%3Fb",
    "/api/incidents?path=%2Fa%00b",
    "/api/incidents?cursor=garbage",
    "/api/incidents?cursor=eyJ2IjoxfQ.AAAA",
    `/api/incidents?cursor=${"A".repeat(5000)}.x`,
    "/api/stats?bucket=2m",
    "/api/stats?bucket=1m&since=300d",
    "/api/stats?since=%E0%A4%A",
    "/api/incidents/not-a-ray",
    "/api/incidents/0123456789abcdef-TOOLONG",
    "/api/incidents/0123456789abcdeg",
    "/api/incidents/r:0123456789abcdef",
    "/api/incidents/t:0000000000000:0123456789abcdef",
    "/api/incidents/..%2Ft%3A",
    "/api/incidents/0123456789abcdef%2F..%2F..",
    "/api/incidents/%20",
  ])("rejects %s with 400 and a JSON error, before touching KV", async (path) => {
    const res = await api(path, owner);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["cache-control"]).toBe("no-store");
    const body = res.json();
    expect(body.error).toMatch(/^[a-z_]+$/);
    expect(typeof body.detail).toBe("string");
    expect(res.text.length).toBeLessThan(600);
  });

  it("a lookup by Ray ID only ever reads that incident", async () => {
    const failing = await httpRequest(w.url, "/lookup", { headers: { host: "down.test", accept: "application/json", "cf-ray": "00112233445566aa-ICN" }, capMs: CAP_MS });
    expect(failing.status).toBe(521);
    const found = await eventually(async () => {
      const res = await api("/api/incidents/00112233445566AA-icn", owner);
      return res.status === 200 ? res.json() : undefined;
    }, "the incident to be readable");
    expect(found).toMatchObject({ ray_id: "00112233445566aa-ICN", error_code: 521, path: "/lookup" });
    // Without its data-centre suffix it is still found; a different ID is not.
    expect((await api("/api/incidents/00112233445566aa", owner)).status).toBe(200);
    expect((await api("/api/incidents/00112233445566ab", owner)).status).toBe(404);
  });

  it("needs the token, compared whole: every near miss gets the same 401", async () => {
    const near = ["", "x", ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`, ADMIN_TOKEN.toUpperCase(), `${ADMIN_TOKEN.slice(0, -1)}g`, "A".repeat(4096), `${ADMIN_TOKEN} ${ADMIN_TOKEN}`];
    const answers = new Set<string>();
    for (const token of near) {
      const res = await api("/api/incidents", { authorization: `Bearer ${token}` });
      expect(res.status, JSON.stringify(token.slice(0, 40))).toBe(401);
      expect(res.headers["cache-control"]).toBe("no-store");
      if (token.trim() && !/\s/.test(token.trim())) answers.add(res.text);
    }
    expect(answers.size).toBe(1);
    for (const header of [`Basic ${btoa(`admin:${ADMIN_TOKEN}`)}`, ADMIN_TOKEN, `Bearer${ADMIN_TOKEN}`, `Token ${ADMIN_TOKEN}`]) {
      expect((await api("/api/incidents", { authorization: header })).status).toBe(401);
    }
    const ok = await api("/api/incidents", owner);
    expect(ok.status).toBe(200);
    expect(ok.headers["cache-control"]).toBe("no-store");
  });

  it("refuses a token in the query string, even the right one, even with the header", async () => {
    for (const name of ["token", "access_token", "admin_token", "key"]) {
      const res = await api(`/api/incidents?${name}=${ADMIN_TOKEN}`, owner);
      expect(res.status).toBe(401);
      expect(res.json().detail).toMatch(/query string/);
      expect(res.text).not.toContain(ADMIN_TOKEN);
    }
  });

  it("sends no CORS headers, to a preflight or to a cross-origin request", async () => {
    const preflight = await api("/api/incidents", { origin: "https://evil.test", "access-control-request-method": "GET", "access-control-request-headers": "authorization" }, "OPTIONS");
    const cross = await api("/api/incidents", { ...owner, origin: "https://evil.test" });
    expect(cross.status).toBe(200);
    for (const res of [preflight, cross]) {
      expect(Object.keys(res.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
      expect(res.headers["cache-control"]).toBe("no-store");
    }
  });

  it("keeps the owner's requests to itself: never the origin, never an incident", async () => {
    const kv = await w.kv();
    const before = (await allRecords(kv)).length;
    for (const path of ["/nope", "/api/nope", "/api/incidents/../../status/502"]) {
      const res = await api(path, owner);
      expect(res.status).toBeLessThan(500);
      expect(res.headers["cache-control"]).toBe("no-store");
    }
    expect((await allRecords(kv)).length).toBe(before);
  });
});

describe("secrets and personal data", () => {
  const sensitive = {
    authorization: `Bearer ${AUTH}`,
    cookie: `session=${COOKIE}; other=1`,
    "cf-connecting-ip": CLIENT_IP,
    "x-forwarded-for": CLIENT_IP,
  };
  const rays: string[] = [];

  beforeAll(async () => {
    const targets = [
      ["down.test", "/account"],
      ["shop.test", "/status/500"],
      ["shop.test", "/garbage"],
      ["optin.test", "/account"],
    ] as const;
    for (const [host, path] of targets) {
      for (const accept of ["text/html", "application/json", "text/plain"]) {
        const res = await httpRequest(w.url, `${path}?token=${QUERY}&email=someone%40example.com`, { headers: { host, accept, ...sensitive }, capMs: CAP_MS });
        const text = res.body.toString();
        for (const secret of [ADMIN_TOKEN, AUTH, COOKIE]) {
          expect(text).not.toContain(secret);
          expect(JSON.stringify(res.headers)).not.toContain(secret);
        }
        const ray = /[0-9a-f]{16}/.exec(text)?.[0];
        if (ray) rays.push(ray);
      }
    }
    const kv = await w.kv();
    await eventually(async () => ((await allRecords(kv)).length >= 12 ? true : undefined), "the incidents of these requests");
  });

  it("ADMIN_TOKEN, Authorization and Cookie never reach the incident log or the Worker's logs", async () => {
    const everything = await dumpAll(await w.kv());
    const logs = w.logs();
    for (const secret of [ADMIN_TOKEN, AUTH, COOKIE]) {
      expect(everything).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });

  it("query strings and client IPs are not stored, unless the owner opted in", async () => {
    const records = await allRecords(await w.kv());
    const optedIn = records.filter((r) => r.host === "optin.test");
    const others = records.filter((r) => r.host !== "optin.test");
    expect(others.length).toBeGreaterThanOrEqual(9);
    for (const r of others) {
      const json = JSON.stringify(r);
      expect(json).not.toContain(QUERY);
      expect(json).not.toContain("someone");
      expect(json).not.toContain(CLIENT_IP);
      expect(r.query).toBeUndefined();
      expect(r.client_ip).toBeUndefined();
    }
    expect(optedIn.length).toBeGreaterThanOrEqual(3);
    for (const r of optedIn) {
      expect(r.query).toContain(QUERY);
      expect(r.client_ip).toBe(CLIENT_IP);
    }
    // Nor do the Worker's own log lines carry them.
    for (const line of loggedJson(w.logs())) {
      expect(JSON.stringify(line)).not.toContain(QUERY);
      expect(JSON.stringify(line)).not.toContain(CLIENT_IP);
    }
  });
});
