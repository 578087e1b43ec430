import { describe, expect, it } from "vitest";
import { bearerToken, issueSession, SESSION_TTL_S, verifySession } from "../../src/admin/auth/auth";
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

  it("a session cookie is an expiry and an HMAC, never the token, and it expires", async () => {
    const keys = await deriveKeys(TOKEN);
    const now = 1_700_000_000_000;
    const value = await issueSession(keys, now);
    expect(value).not.toContain(TOKEN);
    expect(await verifySession(keys, value, now)).toBe(true);
    expect(await verifySession(keys, value, now + SESSION_TTL_S * 1000)).toBe(false);
    const [exp, sig] = value.split(".") as [string, string];
    expect(await verifySession(keys, `${Number(exp) + 3600}.${sig}`, now)).toBe(false);
    expect(await verifySession(await deriveKeys("another-token-0123456789"), value, now)).toBe(false);
    expect(await verifySession(keys, TOKEN, now)).toBe(false);
  });
});
