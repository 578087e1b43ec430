/**
 * Decoding a failing body's prefix: within its byte bound, whatever encoding it still carries; and
 * observing a body that goes on to its client without taking anything from it.
 */
import zlib from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { decodePrefix, type InspectOptions, observePassedOn } from "../../src/site/inspect";
import { ProbeCache } from "../../src/site/probe-cache";

// inspect.ts also probes origins through cloudflare:sockets, which Node does not have; unused here.
vi.mock("cloudflare:sockets", () => ({ connect: () => { throw new Error("not in Node"); } }));

const page = Buffer.from(`<html><head><title>502 Bad Gateway</title></head><body>${"<p>filler</p>".repeat(40)}<hr><center>cloudflare</center></body></html>`);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("decodePrefix", () => {
  it.each([
    ["gzip", zlib.gzipSync(page), "gzip"],
    ["deflate", zlib.deflateSync(page), "deflate"],
    ["deflate", zlib.deflateRawSync(page), "deflate-raw"],
  ] as const)("Content-Encoding %s, still encoded → decoded as %s", async (header, bytes, decoding) => {
    const out = await decodePrefix(bytes, header, 8192, 1000);
    expect(out.decoding).toBe(decoding);
    expect(text(out.bytes)).toBe(page.toString());
  });

  it("a body the runtime already decoded (the header stays) is taken as it is", async () => {
    for (const header of ["gzip", "br", "deflate"]) {
      const out = await decodePrefix(page, header, 8192, 1000);
      expect(out).toEqual({ bytes: page, decoding: "none" });
    }
  });

  it("br still encoded cannot be decoded here: left out, and said so", async () => {
    expect(await decodePrefix(zlib.brotliCompressSync(page), "br", 8192, 1000)).toEqual({ bytes: new Uint8Array(), decoding: "undecodable" });
  });

  it("a prefix cut mid-stream yields what it holds", async () => {
    const big = Buffer.from("<html>" + "0123456789abcdef".repeat(4096));
    const cut = zlib.gzipSync(big, { level: 1 }).subarray(0, 600);
    const out = await decodePrefix(cut, "gzip", 1 << 20, 1000);
    expect(out.decoding).toBe("gzip");
    expect(out.bytes.byteLength).toBeGreaterThan(100);
    expect(big.toString().startsWith(text(out.bytes))).toBe(true);
  });

  it("never decodes more than the byte bound (a 16 MiB bomb in 16 KiB)", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(16 << 20, 0x41));
    expect(bomb.byteLength).toBeLessThan(20_000);
    const out = await decodePrefix(bomb.subarray(0, 8192), "gzip", 8192, 1000);
    expect(out.bytes.byteLength).toBe(8192);
  });

  it("identity and unknown encodings of text pass unchanged", async () => {
    expect((await decodePrefix(page, null, 8192, 1000)).decoding).toBe("none");
    expect((await decodePrefix(page, "identity", 8192, 1000)).decoding).toBe("none");
    expect((await decodePrefix(page, "zstd", 8192, 1000)).decoding).toBe("none");
  });
});

describe("observePassedOn", () => {
  const options: InspectOptions = { prefixBytes: 64, probeTimeoutMs: 1000, probe: false, probes: new ProbeCache() };
  const body = Buffer.from(`{"error":"overloaded","items":[${Array.from({ length: 500 }, (_, i) => i).join(",")}]}`);

  it("the client's branch has every byte, the observation only the bounded prefix, and its headers", async () => {
    const res = new Response(body, { status: 500, headers: { "content-type": "application/json", server: "cloudflare" } });
    const { response, observation } = observePassedOn(res, 7, options);
    const o = await observation;
    expect(o).toMatchObject({ source: "response", status: 500, contentType: "application/json", server: "cloudflare", bodyBytesRead: 64, elapsedMs: 7 });
    expect(o.bodyPrefix).toBe(body.subarray(0, 64).toString());
    // Read after the observation is done and its branch cancelled: the client's branch is whole.
    expect(response.status).toBe(500);
    expect(response.headers.get("server")).toBe("cloudflare");
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
  });

  it("a response without a body is passed on as it is", async () => {
    const res = new Response(null, { status: 503, headers: { "content-type": "application/json" } });
    const { response, observation } = observePassedOn(res, 1, options);
    expect(response).toBe(res);
    expect(await observation).toMatchObject({ status: 503, bodyPrefix: "", bodyBytesRead: 0 });
  });
});
