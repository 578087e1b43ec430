import { describe, expect, it } from "vitest";
import { MAINTENANCE_KEY, maintenanceRecord } from "../../src/core/maintenance";
import { ConfigError } from "../../src/core/vars";
import { compileAllowList, MaintenanceGate } from "../../src/site/maintenance";

describe("MAINTENANCE_ALLOW_IPS", () => {
  const allowed = compileAllowList(["203.0.113.7", "198.51.100.0/24", "10.0.0.0/8", "2001:db8::1"]);
  it("matches exact addresses and IPv4 ranges", () => {
    expect(allowed("203.0.113.7")).toBe(true);
    expect(allowed("198.51.100.255")).toBe(true);
    expect(allowed("10.200.3.4")).toBe(true);
    expect(allowed("2001:DB8::1")).toBe(true);
  });
  it("nothing else", () => {
    expect(allowed("203.0.113.8")).toBe(false);
    expect(allowed("198.51.101.1")).toBe(false);
    expect(allowed("11.0.0.1")).toBe(false);
    expect(allowed("2001:db8::2")).toBe(false);
    expect(allowed("not an ip")).toBe(false);
  });
  it("/0 matches every IPv4 address", () => expect(compileAllowList(["0.0.0.0/0"])("255.1.2.3")).toBe(true));
  it("refuses entries that are not addresses", () => {
    expect(() => compileAllowList(["example.com"])).toThrow(ConfigError);
    expect(() => compileAllowList(["10.0.0.0/33"])).toThrow(ConfigError);
  });
});

/** A KV that counts reads and answers with whatever `value` holds. */
function countingKv() {
  const kv = { value: null as string | null, reads: 0, fail: false };
  const binding = {
    get: async (key: string) => {
      kv.reads++;
      expect(key).toBe(MAINTENANCE_KEY);
      if (kv.fail) throw new Error("KV down");
      return kv.value;
    },
  } as unknown as KVNamespace;
  return { kv, binding };
}

describe("the maintenance flag in an isolate", () => {
  const now = Date.now();
  it("is read once, then served from memory with a refresh in the background once per interval", async () => {
    const { kv, binding } = countingKv();
    const gate = new MaintenanceGate(10_000);
    const background: Promise<unknown>[] = [];
    const first = gate.current(binding, now, { waitUntil: (p) => void background.push(p) });
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toBeNull();
    for (let i = 0; i < 100; i++) expect(gate.current(binding, now + i, { waitUntil: (p) => void background.push(p) })).toBeNull();
    expect(kv.reads).toBe(1);
    expect(background).toHaveLength(0);
    kv.value = JSON.stringify(maintenanceRecord({ until: "1h" }, now));
    // Past the interval: this request is still answered from memory, the read happens beside it.
    expect(gate.current(binding, Date.now() + 10_001, { waitUntil: (p) => void background.push(p) })).toBeNull();
    expect(background).toHaveLength(1);
    await Promise.all(background);
    expect(kv.reads).toBe(2);
    expect(gate.current(binding, Date.now() + 10_002, undefined)).toMatchObject({ v: 1 });
  });

  it("ends by itself at until, without a read", async () => {
    const { kv, binding } = countingKv();
    const record = maintenanceRecord({ until: "2026-05-01T13:00:00Z" }, Date.parse("2026-05-01T12:00:00Z"));
    kv.value = JSON.stringify(record);
    const gate = new MaintenanceGate(3_600_000 * 24 * 365 * 100);
    // parseMaintenance drops records that ended; this one is current "now" only in 2026.
    const realNow = Date.now;
    Date.now = () => Date.parse("2026-05-01T12:30:00Z");
    try {
      expect(await gate.current(binding, Date.now(), undefined)).toMatchObject({ until: record.until });
      expect(gate.current(binding, Date.parse("2026-05-01T12:59:59Z"), undefined)).not.toBeNull();
      expect(gate.current(binding, Date.parse("2026-05-01T13:00:00Z"), undefined)).toBeNull();
    } finally {
      Date.now = realNow;
    }
    expect(kv.reads).toBe(1);
  });

  it("fails open when KV cannot be read", async () => {
    const { kv, binding } = countingKv();
    kv.fail = true;
    const gate = new MaintenanceGate(1000);
    expect(await gate.current(binding, now, undefined)).toBeNull();
  });
});
