import { describe, expect, it } from "vitest";
import { bearerToken } from "../../src/admin/auth/auth";
import { checkHost } from "../../src/admin/auth/host";
import { isRevoked, issueSession, readSession, revokedKey, revokeSession, SESSION_TTL_S } from "../../src/admin/auth/session";
import { loadAdminConfig } from "../../src/admin/config";
import { checkCursorFilters, type CursorState, decodeCursor, encodeCursor } from "../../src/admin/api/cursor";
import { BadRequest } from "../../src/admin/errors";
import { deriveKeys, fromBase64Url, toBase64Url, tokenMatches } from "../../src/admin/auth/keys";

const TOKEN = "unit-test-token-0123456789";
const state: CursorState = {
  filters: { code: 502, host: "shop.example.com", path: "/api/", sinceMs: 1_700_000_000_000, untilMs: 1_700_003_600_000 },
  position: { block: 2, kv: "opaque-kv-cursor==", after: "t:8299996399999:8f2c1a9b3d4e5f60" },
};

async function rejects(p: Promise<unknown>): Promise<BadRequest> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BadRequest);
  return err as BadRequest;
}

describe("cursors", () => {
  it("round-trip: filters and position come back exactly", async () => {
    const keys = await deriveKeys(TOKEN);
    const cursor = await encodeCursor(keys.cursor, state);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(await decodeCursor(keys.cursor, cursor)).toEqual(state);
  });

  it("a cursor without optional filters round-trips too", async () => {
    const keys = await deriveKeys(TOKEN);
    const plain: CursorState = { filters: { sinceMs: 0, untilMs: 1 }, position: { block: 0, kv: null, after: null } };
    expect(await decodeCursor(keys.cursor, await encodeCursor(keys.cursor, plain))).toEqual(plain);
  });

  it("an edited payload, a bad signature, another token's cursor or junk is a 400", async () => {
    const keys = await deriveKeys(TOKEN);
    const other = await deriveKeys("another-token-0123456789");
    const cursor = await encodeCursor(keys.cursor, state);
    const [body, sig] = cursor.split(".") as [string, string];
    const json = new TextDecoder().decode(fromBase64Url(body));
    const forged = toBase64Url(new TextEncoder().encode(json.replace('"c":502', '"c":503')));
    for (const bad of [
      `${forged}.${sig}`,
      `${body}.${sig.slice(0, -2)}AA`,
      `${body}.`,
      body,
      `${cursor}.x`,
      "not a cursor",
      "",
      "a".repeat(5000),
      await encodeCursor(other.cursor, state),
    ]) {
      expect((await rejects(decodeCursor(keys.cursor, bad))).error).toBe("invalid_cursor");
    }
  });

  it("a cursor continues only the listing it came from", () => {
    expect(() => checkCursorFilters(state.filters, { ...state.filters, sinceMs: 5 })).not.toThrow();
    expect(() => checkCursorFilters(state.filters, { ...state.filters, code: 503 })).toThrow(BadRequest);
    expect(() => checkCursorFilters(state.filters, { sinceMs: 0, untilMs: 1 })).toThrow(BadRequest);
  });
});

describe("token and session", () => {
  it("compares the token exactly", async () => {
    const keys = await deriveKeys(TOKEN);
    expect(await tokenMatches(keys, TOKEN)).toBe(true);
    expect(await tokenMatches(keys, `${TOKEN} `)).toBe(false);
    expect(await tokenMatches(keys, TOKEN.slice(0, -1))).toBe(false);
    expect(await tokenMatches(keys, "")).toBe(false);
  });

  it("reads the bearer scheme case-insensitively and nothing else", () => {
    expect(bearerToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerToken(`bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerToken(`BEARER  ${TOKEN} `)).toBe(TOKEN);
    expect(bearerToken(`Basic ${TOKEN}`)).toBeUndefined();
    expect(bearerToken(`Bearer${TOKEN}`)).toBeUndefined();
    expect(bearerToken(`Bearer a b`)).toBeUndefined();
    expect(bearerToken(TOKEN)).toBeUndefined();
  });

  it("a session cookie is an expiry, a random id and an HMAC, never the token, and it expires", async () => {
    const keys = await deriveKeys(TOKEN);
    const now = 1_700_000_000_000;
    const value = await issueSession(keys, now);
    expect(value).not.toContain(TOKEN);
    const session = await readSession(keys, value, now);
    expect(session).toEqual({ exp: now / 1000 + SESSION_TTL_S, id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    expect((await readSession(keys, await issueSession(keys, now), now))?.id).not.toBe(session?.id);
    expect(await readSession(keys, value, now + SESSION_TTL_S * 1000)).toBeUndefined();
    const [exp, id, sig] = value.split(".") as [string, string, string];
    expect(await readSession(keys, `${Number(exp) + 3600}.${id}.${sig}`, now)).toBeUndefined();
    expect(await readSession(keys, `${exp}.${"A".repeat(22)}.${sig}`, now)).toBeUndefined();
    expect(await readSession(keys, `${exp}.${sig}`, now)).toBeUndefined();
    expect(await readSession(await deriveKeys("another-token-0123456789"), value, now)).toBeUndefined();
    expect(await readSession(keys, TOKEN, now)).toBeUndefined();
  });

  it("sign-out revokes the id for exactly the session's remaining life (at least KV's 60 s)", async () => {
    const puts: { key: string; ttl: number }[] = [];
    const store = new Map<string, string>();
    const kv = {
      get: async (key: string) => store.get(key) ?? null,
      put: async (key: string, value: string, options: { expirationTtl: number }) => {
        puts.push({ key, ttl: options.expirationTtl });
        store.set(key, value);
      },
    } as unknown as KVNamespace;
    const keys = await deriveKeys(TOKEN);
    const now = 1_700_000_000_000;
    const session = (await readSession(keys, await issueSession(keys, now), now))!;
    expect(await isRevoked(kv, session)).toBe(false);
    await revokeSession(kv, session, now + 3600_000);
    expect(await isRevoked(kv, session)).toBe(true);
    expect(puts).toEqual([{ key: `admin:revoked:${session.id}`, ttl: SESSION_TTL_S - 3600 }]);
    expect(revokedKey(session)).toBe(`admin:revoked:${session.id}`);
    await revokeSession(kv, session, (session.exp - 5) * 1000);
    expect(puts[1]?.ttl).toBe(60);
  });
});

describe("which hosts the admin Worker answers", () => {
  const req = (url: string, host?: string) => new Request(url, host ? { headers: { host } } : {});
  const config = (env: Record<string, string>) => loadAdminConfig({ ADMIN_TOKEN: TOKEN, ...env });

  it("same-site mode answers any host; own-host mode only its own (a bare name matches any port)", () => {
    expect(checkHost(config({}), req("https://shop.example.com/__errors"))).toBeNull();
    const own = config({ ADMIN_HOST: "Errors.Example.com, localhost:8789" });
    expect(own.mode).toBe("own-host");
    expect(checkHost(own, req("https://errors.example.com/__errors/api/stats"))).toBeNull();
    expect(checkHost(own, req("http://localhost:8789/__errors"))).toBeNull();
    expect(checkHost(own, req("http://localhost:8787/__errors"))).toBe("not_admin_host");
    expect(checkHost(own, req("https://shop.example.com/__errors"))).toBe("not_admin_host");
    // The Host header counts too, when it differs from the URL.
    expect(checkHost(own, req("https://errors.example.com/__errors", "shop.example.com"))).toBe("not_admin_host");
  });

  it("own-host mode answers the maintenance owner check on the site's hosts (GET of that one path only)", () => {
    const own = config({ ADMIN_HOST: "errors.example.com" });
    expect(checkHost(own, req("https://shop.example.com/__errors/api/owner"))).toBeNull();
    expect(checkHost(own, req("https://shop.example.com/__errors/api/owner", "blog.example.com"))).toBeNull();
    expect(checkHost(own, new Request("https://shop.example.com/__errors/api/owner", { method: "POST" }))).toBe("not_admin_host");
    for (const path of ["/__errors/api/owner/x", "/__errors/api/ownerx", "/__errors/api/maintenance", "/api/owner"]) expect(checkHost(own, req(`https://shop.example.com${path}`)), path).toBe("not_admin_host");
    const local = config({ ADMIN_HOST: "errors.example.com", ADMIN_LOCAL_ONLY: "true" });
    expect(checkHost(local, req("http://rebind.example/__errors/api/owner"))).toBe("not_loopback");
  });

  it("own-host mode answers the maintenance hand-over on the site's hosts too (GET of that one path only)", () => {
    const own = config({ ADMIN_HOST: "errors.example.com" });
    expect(checkHost(own, req("https://shop.example.com/__errors/pass?t=1.x"))).toBeNull();
    expect(checkHost(own, new Request("https://shop.example.com/__errors/pass", { method: "POST" }))).toBe("not_admin_host");
    for (const path of ["/__errors/pass/x", "/__errors/passx", "/pass", "/__errors/maintenance"]) expect(checkHost(own, req(`https://shop.example.com${path}`)), path).toBe("not_admin_host");
  });

  it("ADMIN_LOCAL_ONLY answers loopback names only (DNS rebinding)", () => {
    const local = config({ ADMIN_LOCAL_ONLY: "true" });
    for (const ok of ["http://127.0.0.1:8789/", "http://localhost:8789/", "http://[::1]:8789/", "http://127.0.0.2/"]) expect(checkHost(local, req(ok)), ok).toBeNull();
    for (const bad of ["http://rebind.example:8789/", "http://127.0.0.1.nip.io:8789/", "http://localhost.example/", "http://10.0.0.1/"]) expect(checkHost(local, req(bad)), bad).toBe("not_loopback");
    expect(checkHost(local, req("http://127.0.0.1:8789/", "rebind.example:8789"))).toBe("not_loopback");
  });

  it("refuses ADMIN_HOST values with a scheme, a path or junk", () => {
    for (const bad of ["https://errors.example.com", "errors.example.com/__errors", "a b", ","]) expect(() => config({ ADMIN_HOST: bad }), bad).toThrow(/ADMIN_HOST/);
  });
});
