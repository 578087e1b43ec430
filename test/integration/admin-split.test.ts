/**
 * The owner side as its own Worker, both bundles in workerd over real HTTP: the site Worker hands
 * ADMIN_PATH to the admin Worker only when ADMIN is bound, answers the owner itself when the admin
 * Worker fails, and keeps serving visitors with a token left behind; the admin Worker says what
 * is wrong when its path differs from the site's or its config is invalid.
 */
import type { WorkerOptions } from "../support/miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { adminWorker, SITE_SCRIPT } from "../support/admin-worker";
import { type Harness, loggedJson, startHarness } from "../support/harness";
import { httpRequest } from "../support/http";
import { allRecords } from "../support/incidents";
import { eventually } from "../support/worker";

const TOKEN = "split-admin-token-0123456789";
const LEFTOVER = "LEFTOVER-site-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };
const CAP_MS = 20_000;

let origins: Awaited<ReturnType<typeof startOrigins>>;
let w: Harness;

/** A site Worker built by hand, for set-ups the harness does not make (a token left on it, a foreign ADMIN). */
function site(name: string, vars: Record<string, string>, admin?: string): WorkerOptions {
  return {
    name,
    ...SITE_SCRIPT,
    bindings: vars,
    routes: [`${name}.test/*`],
    kvNamespaces: { INCIDENTS: "incidents" },
    ...(admin ? { serviceBindings: { ADMIN: admin } } : {}),
  };
}

beforeAll(async () => {
  origins = await startOrigins({ backlog: false });
  const vars = { ORIGIN_URL: origins.http, ORIGIN_TIMEOUT_MS: "5000", PROBE_TIMEOUT_MS: "1000" };
  w = await startHarness(
    [
      { name: "owner", host: "owner.test", vars: { ...vars, ADMIN_TOKEN: TOKEN } },
      { name: "plain", host: "plain.test", vars },
    ],
    [
      // The admin Worker throws before it can answer: the binding's fetch rejects.
      site("down", vars, "throwing-admin"),
      { name: "throwing-admin", modules: true, script: `export default { fetch() { throw new Error("admin exploded"); } };` },
      // The two Workers were given different paths.
      site("drift", { ...vars, ADMIN_PATH: "/ops/errors" }, "drift-admin"),
      adminWorker("drift-admin", { ADMIN_TOKEN: TOKEN }),
      // The admin Worker's own config is wrong: a short token, and none at all.
      site("short", vars, "short-admin"),
      adminWorker("short-admin", { ADMIN_TOKEN: "too-short-tok", ADMIN_PATH: "/__errors" }),
      site("tokenless", vars, "tokenless-admin"),
      adminWorker("tokenless-admin", {}),
      // A good token, but another var is wrong: the owner can be told which.
      site("badvar", vars, "badvar-admin"),
      adminWorker("badvar-admin", { ADMIN_TOKEN: TOKEN, DEFAULT_LOCALE: "fr", ADMIN_HOST: "https://errors.example.com/" }),
      // ADMIN_TOKEN left on the site Worker, with and without the admin Worker.
      site("leftover", { ...vars, ADMIN_TOKEN: LEFTOVER }, "leftover-admin"),
      adminWorker("leftover-admin", { ADMIN_TOKEN: TOKEN }),
      site("leftover-alone", { ...vars, ADMIN_TOKEN: LEFTOVER }),
    ],
  );
});
afterAll(async () => {
  await w?.close();
  await origins?.close();
});

async function get(host: string, path: string, headers: Record<string, string> = {}, method = "GET") {
  const res = await httpRequest(w.url, path, { method, headers: { host, accept: "application/json", ...headers }, capMs: CAP_MS });
  const text = res.body.toString("utf8");
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** Incident records for `host`, after giving any stray waitUntil write time to land. */
async function recordsFor(host: string): Promise<number> {
  await new Promise((r) => setTimeout(r, 300));
  return (await allRecords(await w.kv())).filter((r) => r.host === host).length;
}

describe("with ADMIN bound", () => {
  it("ADMIN_PATH and everything under it is answered by the admin Worker, whatever the method", async () => {
    const stats = await get("owner.test", "/__errors/api/stats", auth);
    expect(stats.status).toBe(200);
    expect(stats.json()).toMatchObject({ total: expect.any(Number), by_code: expect.any(Object) });
    const signIn = await get("owner.test", "/__errors", { accept: "text/html" });
    expect(signIn.status).toBe(401);
    expect(signIn.text).toContain("<form");
    for (const [method, path] of [
      ["GET", "/__errors/nope"],
      ["POST", "/__errors/api/incidents"],
      ["DELETE", "/__errors/"],
    ] as const) {
      const res = await get("owner.test", path, auth, method);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json()).toMatchObject({ error: "not_found" });
      expect(res.headers["cache-control"]).toBe("no-store");
    }
  });

  it("only the path and what is under it: a longer name is the origin's", async () => {
    const res = await get("owner.test", "/__errorsX/api/stats", auth);
    expect(res.status).toBe(404);
    expect(res.text).toBe("not found\n");
  });

  it("the owner's requests never reach the origin and are never recorded", async () => {
    const echo = await get("owner.test", "/__errors/echo", auth);
    expect(echo.json()).toMatchObject({ error: "not_found" });
    const before = await recordsFor("owner.test");
    for (const path of ["/__errors/status/502", "/__errors/api/incidents/x/y", "/__errors/garbage"]) {
      expect((await get("owner.test", path, auth)).status).toBeLessThan(500);
    }
    expect(await recordsFor("owner.test")).toBe(before);
  });

  it("an incident the site Worker records is read back through the admin Worker", async () => {
    const failed = await get("owner.test", "/status/503", { "cf-ray": "5b17000000000001-ICN" });
    expect(failed.status).toBe(503);
    const found = await eventually(async () => {
      const res = await get("owner.test", "/__errors/api/incidents/5b17000000000001-ICN", auth);
      return res.status === 200 ? res.json() : undefined;
    }, "the incident through the admin Worker");
    expect(found).toMatchObject({ ray_id: "5b17000000000001-ICN", error_code: 503, host: "owner.test" });
  });
});

describe("without ADMIN bound", () => {
  it("ADMIN_PATH is an ordinary path: it goes to the origin", async () => {
    const res = await get("plain.test", "/__errors/api/stats", auth);
    expect(res.status).toBe(404);
    expect(res.text).toBe("not found\n");
  });
});

describe("when the admin Worker fails", () => {
  it("the owner gets a 502 admin_unavailable JSON, not a visitor's page, and the failure is logged", async () => {
    const res = await get("down.test", "/__errors/api/stats", { ...auth, accept: "text/html" });
    expect(res.status).toBe(502);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.json()).toEqual({ error: "admin_unavailable", detail: expect.stringContaining("ADMIN") });
    await eventually(async () => (loggedJson(w.logs()).some((l) => l.msg === "admin Worker unavailable" && String(l.error).includes("admin exploded")) ? true : undefined), "the log line");
    expect(await recordsFor("down.test")).toBe(0);
  });

  it("visitors are not affected", async () => {
    expect((await get("down.test", "/ok", { accept: "text/html" })).status).toBe(200);
    expect((await get("down.test", "/status/502")).status).toBe(502);
  });
});

describe("the admin Worker on its own", () => {
  it("a path outside its ADMIN_PATH is a 404 telling the owner to set the same ADMIN_PATH on both", async () => {
    const res = await get("drift.test", "/ops/errors/api/stats", auth);
    expect(res.status).toBe(404);
    expect(res.headers["cache-control"]).toBe("no-store");
    const body = res.json();
    expect(body.error).toBe("not_found");
    expect(body.detail).toMatch(/"\/__errors".*\/ops\/errors\/api\/stats.*same ADMIN_PATH on both Workers/);
  });

  it("an invalid config is a 500 admin_misconfigured that tells callers only that, and logs every problem", async () => {
    const generic = /^the owner side of this site is misconfigured/;
    const short = await get("short.test", "/__errors/api/stats", auth);
    expect(short.status).toBe(500);
    expect(short.headers["cache-control"]).toBe("no-store");
    // No token is valid, so nobody can be the owner: nobody learns the details.
    expect(short.json()).toEqual({ error: "admin_misconfigured", detail: expect.stringMatching(generic) });
    expect(short.text).not.toContain("ADMIN_TOKEN");
    const tokenless = await get("tokenless.test", "/__errors", { accept: "text/html" });
    expect(tokenless.status).toBe(500);
    expect(tokenless.json()).toEqual({ error: "admin_misconfigured", detail: expect.stringMatching(generic) });
    await eventually(async () => (loggedJson(w.logs()).filter((l) => l.msg === "edge-error-pages admin cannot start").length >= 2 ? true : undefined), "the log lines");
    const logged = loggedJson(w.logs()).filter((l) => l.msg === "edge-error-pages admin cannot start").map((l) => String(l.error));
    expect(logged.some((e) => e.includes("ADMIN_TOKEN must be at least 16 characters"))).toBe(true);
    expect(logged.some((e) => e.includes("ADMIN_TOKEN is not set"))).toBe(true);
    expect(w.logs()).not.toContain("too-short-tok");
    // The site Worker in front of it still serves visitors.
    expect((await get("short.test", "/status/502")).status).toBe(502);
  });

  it("the owner (the configured token) is told every problem; a wrong token or none is not", async () => {
    for (const headers of [{}, { authorization: "Bearer not-the-token-0123456789" }, { cookie: "eep_admin=x" }]) {
      const res = await get("badvar.test", "/__errors/api/stats", headers);
      expect(res.status).toBe(500);
      expect(res.text).not.toMatch(/DEFAULT_LOCALE|ADMIN_HOST|"fr"/);
    }
    const owner = await get("badvar.test", "/__errors/api/stats", auth);
    expect(owner.status).toBe(500);
    const detail = String(owner.json().detail);
    expect(detail).toContain('DEFAULT_LOCALE must be "en" or "ko", got "fr"');
    expect(detail).toContain("ADMIN_HOST must be host names");
    expect(detail).not.toContain(TOKEN);
  });
});

describe("ADMIN_TOKEN left on the site Worker", () => {
  const warnings = () => loggedJson(w.logs()).filter((l) => l.msg === "edge-error-pages config warning");

  it("does not break the site, is warned about once, and is never repeated", async () => {
    for (const host of ["leftover.test", "leftover-alone.test"]) {
      expect((await get(host, "/ok", { accept: "text/html" })).status).toBe(200);
      const page = await get(host, "/status/502", { accept: "text/html" });
      expect(page.status).toBe(502);
      expect(page.text).toContain("| 502: ");
      expect((await get(host, "/status/503")).status).toBe(503);
    }
    await eventually(async () => (warnings().length >= 2 ? true : undefined), "the warnings");
    expect(warnings()).toHaveLength(2);
    expect(warnings().map((l) => String(l.warning)).join("\n")).toMatch(/ADMIN_TOKEN is set on the site Worker/);
    expect(w.logs()).not.toContain(LEFTOVER);
  });

  it("the owner side answers with the admin Worker's token, not the one left behind", async () => {
    expect((await get("leftover.test", "/__errors/api/stats", auth)).status).toBe(200);
    expect((await get("leftover.test", "/__errors/api/stats", { authorization: `Bearer ${LEFTOVER}` })).status).toBe(401);
    // Without the admin Worker, the path is the origin's.
    expect((await get("leftover-alone.test", "/__errors/api/stats", { authorization: `Bearer ${LEFTOVER}` })).text).toBe("not found\n");
  });
});
