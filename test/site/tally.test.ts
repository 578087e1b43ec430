import { describe, expect, it } from "vitest";
import { MAX_CELLS, MAX_RAYS, Tally } from "../../src/site/record/tally";
import { MAX_AUTO_HOSTS, SiteHosts } from "../../src/site/record/hosts";
import { MAX_SLOTS, OVERFLOW_SLOT, WriteBudget } from "../../src/site/record/budget";

describe("Tally", () => {
  it("counts exactly past its cell cap, without growing past it", () => {
    const t = new Tally(1);
    for (let i = 0; i < MAX_CELLS + 500; i++) t.add(1, 502, `h${i}`, "ICN", "origin", `r${i}`);
    const batch = t.take("iso", 1);
    expect(batch.counts.length).toBeLessThanOrEqual(MAX_CELLS + 1);
    expect(batch.counts.reduce((n, r) => n + r[5], 0)).toBe(MAX_CELLS + 500);
    expect(t.take("iso", 2).counts).toHaveLength(0);
  });

  it("keeps Ray IDs up to its cap, and counts the rest anyway", () => {
    const t = new Tally(1);
    for (let i = 0; i < MAX_RAYS + 10; i++) t.add(1, 502, "a", "ICN", "origin", "0123456789abcdef");
    const batch = t.take("iso", 1);
    expect(batch.rays[0]![3].split(" ")).toHaveLength(MAX_RAYS);
    expect(batch.counts[0]![5]).toBe(MAX_RAYS + 10);
  });

  it("gives out a fixed number of sample slots per code and colo per window", () => {
    const t = new Tally(2);
    expect([t.claimSample(502, "ICN"), t.claimSample(502, "ICN"), t.claimSample(502, "ICN"), t.claimSample(502, "NRT")]).toEqual([true, true, false, true]);
  });
});

describe("SiteHosts", () => {
  it("names only the configured hosts", () => {
    const h = new SiteHosts(["www.example.com"]);
    expect([h.bucket("www.example.com"), h.bucket("evil.example.com")]).toEqual(["www.example.com", "other"]);
  });

  it("without a list, names the first hosts it sees and counts the rest as other", () => {
    const h = new SiteHosts();
    const seen = Array.from({ length: 10_000 }, (_, i) => h.bucket(`h${i}.test`));
    expect(new Set(seen).size).toBe(MAX_AUTO_HOSTS + 1);
  });
});

describe("WriteBudget's slot map", () => {
  it("stays within its cap under a flood of keys, dropping the least recently used idle slot", () => {
    const b = new WriteBudget({ perWindow: 1, windowMs: 10_000, sampleRate: 1 });
    for (let i = 0; i < MAX_SLOTS * 5; i++) b.admit(b.slotKey(`502|h${i}`));
    expect(b.size).toBeLessThanOrEqual(MAX_SLOTS + 1);
  });

  it("sends a newcomer to the overflow slot rather than drop a slot with pending weight", () => {
    const b = new WriteBudget({ perWindow: 0, windowMs: 10_000, sampleRate: 1 });
    for (let i = 0; i < MAX_SLOTS; i++) b.admit(b.slotKey(`502|h${i}`)); // every slot now has pending weight
    expect(b.slotKey("502|newcomer")).toBe(OVERFLOW_SLOT);
    expect(b.takePending("502|h0")).toBe(1);
  });
});
