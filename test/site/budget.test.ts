import { describe, expect, it } from "vitest";
import { WriteBudget } from "../../src/site/record/budget";

describe("WriteBudget", () => {
  it("stores up to the budget, then counts the rest for a roll-up: the weights add up", () => {
    let now = 0;
    const b = new WriteBudget({ perWindow: 3, windowMs: 10_000, sampleRate: 1, now: () => now });
    const results = Array.from({ length: 10 }, () => b.admit("502|a"));
    expect(results.filter((r) => r.store)).toHaveLength(3);
    const flushes = results.filter((r) => !r.store && r.flushAt !== undefined);
    expect(flushes).toEqual([{ store: false, flushAt: 10_000 }]);
    const storedWeight = results.reduce((n, r) => n + (r.store ? r.weight : 0), 0);
    expect(storedWeight + b.takePending("502|a")).toBe(10);
  });

  it("carries suppressed failures into the next window's first record", () => {
    let now = 0;
    const b = new WriteBudget({ perWindow: 1, windowMs: 1000, sampleRate: 1, now: () => now });
    b.admit("k");
    b.admit("k");
    b.admit("k");
    now = 1500;
    expect(b.admit("k")).toEqual({ store: true, weight: 3 });
  });

  it("sampling keeps totals: sampled-out failures ride on the next stored one", () => {
    const rolls = [0.9, 0.9, 0.1];
    const b = new WriteBudget({ perWindow: 10, windowMs: 1000, sampleRate: 0.5, random: () => rolls.shift() ?? 0, now: () => 0 });
    expect(b.admit("k").store).toBe(false);
    expect(b.admit("k").store).toBe(false);
    expect(b.admit("k")).toEqual({ store: true, weight: 3 });
  });

  it("keys are independent and a failed write's weight comes back", () => {
    const b = new WriteBudget({ perWindow: 1, windowMs: 1000, sampleRate: 1, now: () => 0 });
    expect(b.admit("a").store).toBe(true);
    expect(b.admit("b").store).toBe(true);
    b.restore("a", 4);
    expect(b.takePending("a")).toBe(4);
  });
});
