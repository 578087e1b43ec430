/**
 * The probe's ClientHello against real TLS servers (node:tls, i.e. OpenSSL) on loopback, and the
 * reading of what they answer: version, alert by name, and the certificate when it is in clear.
 */
import net from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientHello } from "../../src/site/tls/client-hello";
import { alertName, type ReplyVerdict, ServerReply, versionName } from "../../src/site/tls/server-reply";
import { inspectCertificate, nameCovers } from "../../src/site/tls/x509";
import { makeCertificates, type KeyPair, type TestCertificates } from "../support/certs";

let certs: TestCertificates;
const servers: tls.Server[] = [];

beforeAll(() => {
  certs = makeCertificates();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  certs?.dispose();
});

async function server(pair: KeyPair, options: tls.TlsOptions): Promise<number> {
  const s = tls.createServer({ ...pair, ...options }, (socket) => socket.end());
  s.on("tlsClientError", () => undefined);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return (s.address() as net.AddressInfo).port;
}

/** Sends our ClientHello and feeds the answer to ServerReply until it settles or the peer closes. */
function hello(port: number, sni?: string): Promise<ReplyVerdict> {
  return new Promise((resolve, reject) => {
    const reply = new ServerReply();
    const socket = net.connect(port, "127.0.0.1", () => socket.write(clientHello(sni)));
    const timer = setTimeout(() => finish(reply.end()), 5000);
    const finish = (v: ReplyVerdict) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    socket.on("data", (chunk: Buffer) => {
      const v = reply.push(new Uint8Array(chunk));
      if ((v.kind === "hello" && v.complete) || v.kind === "alert" || v.kind === "not_tls") finish(v);
    });
    socket.on("end", () => finish(reply.end()));
    socket.on("error", (e) => (reply.total > 0 ? finish(reply.end()) : reject(e)));
  });
}

const TLS13: tls.TlsOptions = { minVersion: "TLSv1.3", maxVersion: "TLSv1.3" };
const TLS10: tls.TlsOptions = { minVersion: "TLSv1", maxVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" };
const TLS12: tls.TlsOptions = { minVersion: "TLSv1.2", maxVersion: "TLSv1.2" };

describe("ClientHello against real servers", () => {
  it("a TLS 1.3-only server answers with a ServerHello for TLS 1.3 (no certificate in clear)", async () => {
    const v = await hello(await server(certs.selfSigned, TLS13));
    expect(v).toMatchObject({ kind: "hello", version: 0x0304, complete: true });
    expect(v.kind === "hello" && v.certificate).toBeFalsy();
  });

  it("a TLS 1.0-only server answers with TLS 1.0 and its certificate", async () => {
    const v = await hello(await server(certs.valid, TLS10));
    expect(v).toMatchObject({ kind: "hello", version: 0x0301, complete: true });
    expect(v.kind === "hello" && v.certificate?.length).toBeGreaterThan(100);
  });

  it("a TLS 1.2 server sends its certificate, which reads as self-signed / expired / wrong host", async () => {
    const now = new Date();
    const look = async (pair: KeyPair) => {
      const v = await hello(await server(pair, TLS12));
      if (v.kind !== "hello" || !v.certificate) throw new Error(`no certificate: ${JSON.stringify(v)}`);
      expect(v.version).toBe(0x0303);
      return inspectCertificate(v.certificate, "127.0.0.1", now);
    };
    expect(await look(certs.valid)).toMatchObject({ selfSigned: false, expired: false, notYetValid: false, hostMatches: true, names: ["localhost", "127.0.0.1"] });
    expect(await look(certs.selfSigned)).toMatchObject({ selfSigned: true, expired: false, hostMatches: true });
    expect(await look(certs.expired)).toMatchObject({ selfSigned: false, expired: true, hostMatches: true });
    expect(await look(certs.wrongHost)).toMatchObject({ selfSigned: false, expired: false, hostMatches: false, names: ["other.example"] });
  });

  it("a server with no shared version answers with an alert, read by name", async () => {
    // TLS 1.3 only, and a hello that offers TLS 1.2 at most: what the old probe sent.
    const port = await server(certs.valid, TLS13);
    const v = await new Promise<ReplyVerdict>((resolve) => {
      const reply = new ServerReply();
      const legacy = legacyHello();
      const socket = net.connect(port, "127.0.0.1", () => socket.write(legacy));
      socket.on("data", (c: Buffer) => {
        const r = reply.push(new Uint8Array(c));
        if (r.kind !== "pending") resolve(r), socket.destroy();
      });
      socket.on("close", () => resolve(reply.end()));
    });
    expect(v).toEqual({ kind: "alert", alert: "protocol_version" });
  });

  it("sends SNI when given a host name", () => {
    const bytes = clientHello("origin.example.com");
    expect(Buffer.from(bytes).includes(Buffer.from("origin.example.com"))).toBe(true);
    expect(Buffer.from(clientHello()).includes(Buffer.from("example"))).toBe(false);
  });
});

/** Our hello with supported_versions and key_share stripped: a TLS 1.2 ClientHello. */
function legacyHello(): Uint8Array {
  const b = clientHello();
  const view = Buffer.from(b);
  // Walk to the extensions and drop 0x002b and 0x0033.
  let i = 5 + 4 + 2 + 32;
  i += 1 + view[i]!;
  i += 2 + view.readUInt16BE(i);
  i += 1 + view[i]!;
  const extStart = i + 2;
  const kept: Buffer[] = [];
  for (let j = extStart; j < view.length; ) {
    const type = view.readUInt16BE(j);
    const len = view.readUInt16BE(j + 2);
    if (type !== 0x002b && type !== 0x0033) kept.push(view.subarray(j, j + 4 + len));
    j += 4 + len;
  }
  const exts = Buffer.concat(kept);
  const body = Buffer.concat([view.subarray(9, i), Buffer.from([exts.length >> 8, exts.length & 0xff]), exts]);
  const hs = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x16, 3, 1, hs.length >> 8, hs.length & 0xff]), hs]));
}

describe("reading replies", () => {
  it("names alerts and versions", () => {
    expect(alertName(40)).toBe("handshake_failure");
    expect(alertName(70)).toBe("protocol_version");
    expect(alertName(201)).toBe("alert_201");
    expect(versionName(0x0301)).toBe("TLS 1.0");
    expect(versionName(0x0304)).toBe("TLS 1.3");
  });

  it("bytes that are not TLS are not_tls; an alert split across reads still reads", () => {
    expect(new ServerReply().push(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n"))).toEqual({ kind: "not_tls" });
    const r = new ServerReply();
    expect(r.push(new Uint8Array([0x15, 3, 3, 0]))).toEqual({ kind: "pending" });
    expect(r.push(new Uint8Array([2, 2, 40]))).toEqual({ kind: "alert", alert: "handshake_failure" });
    expect(new ServerReply().end()).toEqual({ kind: "not_tls" });
  });

  it("wildcards cover one label only", () => {
    expect(nameCovers("*.example.com", "www.example.com")).toBe(true);
    expect(nameCovers("*.example.com", "a.b.example.com")).toBe(false);
    expect(nameCovers("*.example.com", "example.com")).toBe(false);
    expect(nameCovers("Example.COM", "example.com")).toBe(true);
  });
});
