/**
 * The owner through maintenance with a Cloudflare Access JWT, in workerd: the site Worker, its
 * admin Worker configured for Access (a key endpoint on loopback serving keys made here), real
 * KV and a loopback origin. A token Access signed for this application reaches the origin; an
 * expired one, one for another application, one signed by a key the team does not publish, and
 * a request without credentials get the maintenance page, and the origin is not asked.
 * Both ways of serving the owner side: under the site's ADMIN_PATH, and on a hostname of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESILIENCE_TEXT } from "../../src/core/i18n/resilience";
import { accessClaims, type KeyServer, makeKey, signJwt, startKeyServer } from "../admin/access-keys";
import { type FlakyOrigin, startFlakyOrigin } from "../support/flaky-origin";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

const TOKEN = "maintenance-access-token-0123456789";
const AUD = "4c1e8b2f6a5d3c1e0b9a8f7e6d5c4b3a291807162534435261709f3b0c8e4a7d";
const key = makeKey("kid-2026-1");
/** A key Access never published (same kid: only the signature can tell). */
const stranger = makeKey("kid-2026-1");

let keys: KeyServer;
let origin: FlakyOrigin;
let w: RunningWorkers;

/** The two setups: the site Worker's name and the host visitors use. */
const SETUPS = [
  { mode: "same-site", site: "shop", base: "https://shop.example.com" },
  { mode: "own-host", site: "blog", base: "https://blog.example.com" },
] as const;

beforeAll(async () => {
  keys = await startKeyServer([key]);
  origin = await startFlakyOrigin();
  const access = { ADMIN_TOKEN: TOKEN, ACCESS_TEAM_DOMAIN: keys.origin, ACCESS_AUD: AUD, MAINTENANCE_CHECK_S: "0.2" };
  w = await startWorkers([
    { name: "shop", vars: { ORIGIN_URL: origin.url, ...access } },
    { name: "blog", vars: { ORIGIN_URL: origin.url, ...access, ADMIN_HOST: "errors.example.com" } },
  ]);
  // One KV namespace: turning maintenance on once closes both sites.
  const on = await w.fetch("shop", "https://shop.example.com/__errors/api/maintenance", {
    method: "PUT",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ until: "1h", message: { en: "Upgrading the database." } }),
  });
  expect(on.status).toBe(200);
  await on.arrayBuffer();
  for (const { site, base } of SETUPS) {
    await eventually(async () => {
      const res = await w.fetch(site, `${base}/warm`, { headers: { accept: "text/html" } });
      await res.arrayBuffer();
      return res.status === 503 ? true : undefined;
    }, `maintenance to start on ${site}`);
  }
});
afterAll(async () => {
  await w?.close();
  await origin?.close().catch(() => undefined);
  await keys?.close();
});

const claims = () => accessClaims(keys.origin, AUD);
const nowS = () => Math.floor(Date.now() / 1000);

describe.each(SETUPS)("maintenance on, the owner side $mode", ({ site, base }) => {
  const visit = (path: string, headers: Record<string, string> = {}) => w.fetch(site, base + path, { headers: { accept: "text/html", ...headers } });

  it("a token Access signed for this application gets the origin's page, byte for byte", async () => {
    const path = `/big`;
    const before = origin.hits.get(path) ?? 0;
    const res = await visit(path, { "cf-access-jwt-assertion": signJwt(key, claims()) });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(origin.big)).toBe(true);
    expect(origin.hits.get(path) ?? 0).toBe(before + 1);
  });

  it("so does the bearer token (the owner check answers on the site's host in both setups)", async () => {
    const res = await visit("/owner-view", { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<h1>/owner-view</h1>");
  });

  it.each([
    ["an expired token", () => ({ "cf-access-jwt-assertion": signJwt(key, { ...claims(), exp: nowS() - 120 }) })],
    ["a token for another application", () => ({ "cf-access-jwt-assertion": signJwt(key, { ...claims(), aud: ["0".repeat(64)] }) })],
    ["a token signed by a key the team does not publish", () => ({ "cf-access-jwt-assertion": signJwt(stranger, claims()) })],
    ["no credentials", () => ({})],
  ])("%s gets the maintenance page, and the origin is not asked", async (what, headers) => {
    const path = `/closed-${site}-${what.replaceAll(" ", "-")}`;
    const res = await visit(path, headers());
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    const page = await res.text();
    expect(page).toContain(RESILIENCE_TEXT.en.maintenanceTitle);
    expect(page).toContain("Upgrading the database.");
    expect(origin.hits.get(path)).toBeUndefined();
  });
});
