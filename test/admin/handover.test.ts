/**
 * The maintenance hand-over link of own-host mode: a token signed for one site host, short-lived,
 * that is neither the owner's pass nor a session; and the dashboard's reading of the host field.
 */
import { describe, expect, it } from "vitest";
import { issueHandover, issuePass, verifyHandover, verifyPass } from "../../src/admin/api/maintenance-store";
import { deriveKeys } from "../../src/admin/auth/keys";
import { siteHostOf } from "../../src/admin/dashboard/maintenance";
import { HANDOVER_TTL_S } from "../../src/core/maintenance";

const NOW = Date.parse("2026-12-02T10:00:00Z");
const UNTIL = NOW + 3_600_000;

describe("hand-over tokens", () => {
  it("work for their host until they expire, HANDOVER_TTL_S at most, and never past maintenance's end", async () => {
    const keys = await deriveKeys("handover-test-token-0123456789");
    const token = await issueHandover(keys, "shop.example.com", UNTIL, NOW);
    expect(await verifyHandover(keys, "shop.example.com", token, NOW)).toBe(true);
    expect(await verifyHandover(keys, "shop.example.com", token, NOW + (HANDOVER_TTL_S - 1) * 1000)).toBe(true);
    expect(await verifyHandover(keys, "shop.example.com", token, NOW + HANDOVER_TTL_S * 1000)).toBe(false);
    const late = await issueHandover(keys, "shop.example.com", NOW + 30_000, NOW);
    expect(await verifyHandover(keys, "shop.example.com", late, NOW + 31_000)).toBe(false);
  });

  it("are refused on another host, with other keys, altered, or in place of a pass (and the other way round)", async () => {
    const keys = await deriveKeys("handover-test-token-0123456789");
    const other = await deriveKeys("another-owner-token-0123456789");
    const token = await issueHandover(keys, "shop.example.com", UNTIL, NOW);
    expect(await verifyHandover(keys, "blog.example.com", token, NOW)).toBe(false);
    expect(await verifyHandover(keys, "shop.example.com:8443", token, NOW)).toBe(false);
    expect(await verifyHandover(other, "shop.example.com", token, NOW)).toBe(false);
    const [exp, sig] = token.split(".") as [string, string];
    expect(await verifyHandover(keys, "shop.example.com", `${Number(exp) + 600}.${sig}`, NOW)).toBe(false);
    for (const bad of ["", "x", `${exp}.`, `${exp}.${sig}x`, `${exp}.${sig}.`]) expect(await verifyHandover(keys, "shop.example.com", bad, NOW), bad).toBe(false);
    const pass = await issuePass(keys, UNTIL);
    expect(await verifyHandover(keys, "shop.example.com", pass, NOW)).toBe(false);
    expect(await verifyPass(keys, token, NOW)).toBe(false);
  });
});

describe("the dashboard's site host field", () => {
  it("takes a hostname or an address, with a port, in lower case", () => {
    expect(siteHostOf(" Shop.Example.com ")).toBe("shop.example.com");
    expect(siteHostOf("localhost:8787")).toBe("localhost:8787");
    expect(siteHostOf("127.0.0.1:8787")).toBe("127.0.0.1:8787");
    expect(siteHostOf("[::1]:8787")).toBe("[::1]:8787");
    expect(siteHostOf("xn--9n2bp8q.example")).toBe("xn--9n2bp8q.example");
  });

  it("refuses anything that would make the link go elsewhere or carry more than a host", () => {
    for (const bad of ["", "https://shop.example.com", "shop.example.com/path", "shop.example.com?x", "evil.example@shop.example.com", "shop example.com", "shop.example.com:99999", "-shop.example.com", "shop..example.com", "shop.example.com#x", "\\\\evil.example"]) {
      expect(siteHostOf(bad), bad).toBeUndefined();
    }
  });
});
