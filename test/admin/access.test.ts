/**
 * Access tokens checked in Node against a key endpoint on loopback: every way a token can be
 * wrong, and the key cache's rules (refetch on an unknown kid, never more often than the minimum
 * interval, stale keys kept through an outage). The same checks run in workerd in
 * test/integration/admin-access.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccessVerifier } from "../../src/admin/auth/access";
import { KEYS_MAX_AGE_MS, KeyCache, REFETCH_MIN_MS } from "../../src/admin/auth/jwks";
import { ConfigError, loadAdminConfig } from "../../src/admin/config";
import { accessClaims, hs256Jwt, type KeyServer, makeKey, signJwt, startKeyServer, unsignedJwt } from "./access-keys";

const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
const current = makeKey("current-kid");
const next = makeKey("next-kid");
const stranger = makeKey("current-kid");
let server: KeyServer;

beforeAll(async () => {
  server = await startKeyServer([current]);
});
afterAll(() => server?.close());

const verifier = () => new AccessVerifier({ teamOrigin: server.origin, aud: AUD, certsUrl: `${server.origin}/cdn-cgi/access/certs` });

describe("AccessVerifier", () => {
  const now = Date.now();
  const nowS = Math.floor(now / 1000);
  const claims = () => accessClaims(server.origin, AUD, nowS);

  it("accepts a token Access would send, and says who it is", async () => {
    const result = await verifier().verify(signJwt(current, claims()), now);
    expect(result).toEqual({ ok: true, identity: { email: "owner@example.com", subject: "7335d417-61da-459d-899c-0a01c76a2f94" } });
    // `aud` as a plain string is valid JWT too.
    expect((await verifier().verify(signJwt(current, { ...claims(), aud: AUD }), now)).ok).toBe(true);
  });

  it.each([
    ["another application's aud", () => signJwt(current, { ...claims(), aud: ["0".repeat(64)] }), "audience"],
    ["no aud", () => signJwt(current, { ...claims(), aud: undefined }), "audience"],
    ["another team's iss", () => signJwt(current, { ...claims(), iss: "https://evil.cloudflareaccess.com" }), "issuer"],
    ["expired", () => signJwt(current, { ...claims(), exp: nowS - 60 }), "expired"],
    ["no exp", () => signJwt(current, { ...claims(), exp: undefined }), "expired"],
    ["not valid yet", () => signJwt(current, { ...claims(), nbf: nowS + 600 }), "not_yet_valid"],
    ["signed by another key with the same kid", () => signJwt(stranger, claims()), "signature"],
    ["an edited payload", () => {
      const [h, , s] = signJwt(current, claims()).split(".");
      return `${h}.${Buffer.from(JSON.stringify({ ...claims(), email: "attacker@example.com" })).toString("base64url")}.${s}`;
    }, "signature"],
    ["an unknown kid", () => signJwt(makeKey("unknown-kid"), claims()), "unknown_key"],
    ["no kid", () => signJwt(current, claims(), { kid: undefined }), "unknown_key"],
    ['alg "none"', () => unsignedJwt(current.kid, claims()), "algorithm"],
    ["HS256 keyed with the public key", () => hs256Jwt(current, claims()), "algorithm"],
    ["RS512", () => signJwt(current, claims(), { alg: "RS512" }), "algorithm"],
    ["junk", () => "not.a.jwt", "malformed"],
    ["two parts", () => signJwt(current, claims()).split(".").slice(0, 2).join("."), "malformed"],
    ["a huge token", () => `${"a".repeat(20_000)}.b.c`, "malformed"],
  ])("refuses %s", async (_, token, failure) => {
    expect(await verifier().verify(token(), now)).toEqual({ ok: false, failure });
  });
});

describe("KeyCache", () => {
  it("fetches once, then serves from memory; refetches an unknown kid at most once per interval", async () => {
    server.keys = [current];
    const cache = new KeyCache(`${server.origin}/cdn-cgi/access/certs`);
    const t0 = 1_000_000;
    expect(await cache.key(current.kid, t0)).toBeDefined();
    expect(await cache.key(current.kid, t0 + 1000)).toBeDefined();
    expect(cache.fetches).toBe(1);
    // Forged kids in a burst cost one fetch per interval, not one per token.
    for (let i = 0; i < 20; i++) expect(await cache.key(`forged-${i}`, t0 + REFETCH_MIN_MS + 10 + i)).toBeUndefined();
    expect(cache.fetches).toBe(2);
    // Access rotates: the next key appears beside the current one and is picked up on its first use.
    server.keys = [current, next];
    expect(await cache.key(next.kid, t0 + 2 * REFETCH_MIN_MS + 20)).toBeDefined();
    expect(cache.fetches).toBe(3);
    // Known keys are refreshed after KEYS_MAX_AGE_MS.
    server.keys = [next];
    expect(await cache.key(current.kid, t0 + 2 * REFETCH_MIN_MS + 20 + KEYS_MAX_AGE_MS)).toBeUndefined();
    expect(cache.fetches).toBe(4);
  });

  it("concurrent requests share one fetch", async () => {
    server.keys = [current];
    const cache = new KeyCache(`${server.origin}/cdn-cgi/access/certs`);
    const keys = await Promise.all(Array.from({ length: 10 }, () => cache.key(current.kid, 5_000_000)));
    expect(keys.every((k) => k !== undefined)).toBe(true);
    expect(cache.fetches).toBe(1);
  });

  it("keeps stale keys through an outage of the endpoint, and does not hammer it", async () => {
    server.keys = [current];
    const down = await startKeyServer([current]);
    const cache = new KeyCache(`${down.origin}/cdn-cgi/access/certs`);
    expect(await cache.key(current.kid, 0)).toBeDefined();
    await down.close();
    expect(await cache.key(current.kid, KEYS_MAX_AGE_MS + 1)).toBeDefined();
    expect(await cache.key(current.kid, KEYS_MAX_AGE_MS + 2)).toBeDefined();
    expect(cache.fetches).toBe(2);
    const never = new KeyCache(`${down.origin}/cdn-cgi/access/certs`);
    await expect(never.key(current.kid, 0)).rejects.toThrow(/failed/);
    await expect(never.key(current.kid, 10)).rejects.toThrow(/less than/);
    expect(never.fetches).toBe(1);
  });
});

describe("the Access vars", () => {
  const base = { ADMIN_TOKEN: "unit-test-token-0123456789" };
  it("take a team domain with or without https://, and its origin is the issuer", () => {
    for (const domain of ["acme.cloudflareaccess.com", "https://acme.cloudflareaccess.com", "https://acme.cloudflareaccess.com/"]) {
      expect(loadAdminConfig({ ...base, ACCESS_TEAM_DOMAIN: domain, ACCESS_AUD: AUD }).access).toEqual({
        teamOrigin: "https://acme.cloudflareaccess.com",
        aud: AUD,
        certsUrl: "https://acme.cloudflareaccess.com/cdn-cgi/access/certs",
      });
    }
  });

  it("allow http:// only on loopback (tests), and refuse paths, one var without the other, or junk", () => {
    expect(loadAdminConfig({ ...base, ACCESS_TEAM_DOMAIN: "http://127.0.0.1:9999", ACCESS_AUD: AUD }).access?.teamOrigin).toBe("http://127.0.0.1:9999");
    for (const env of [
      { ACCESS_TEAM_DOMAIN: "http://acme.cloudflareaccess.com", ACCESS_AUD: AUD },
      { ACCESS_TEAM_DOMAIN: "https://acme.cloudflareaccess.com/cdn-cgi/access/certs", ACCESS_AUD: AUD },
      { ACCESS_TEAM_DOMAIN: "acme.cloudflareaccess.com" },
      { ACCESS_AUD: AUD },
      { ACCESS_TEAM_DOMAIN: "acme.cloudflareaccess.com", ACCESS_AUD: "has spaces in it" },
      { ACCESS_TEAM_DOMAIN: "ftp://acme", ACCESS_AUD: AUD },
    ]) {
      expect(() => loadAdminConfig({ ...base, ...env }), JSON.stringify(env)).toThrow(ConfigError);
    }
  });
});
