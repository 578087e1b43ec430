/**
 * A stand-in for a Cloudflare Access team in tests: RSA keys made here, a key endpoint
 * (`/cdn-cgi/access/certs`) on loopback, and JWTs signed the way Access signs them, or not quite.
 */
import { createHmac, createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** The public key as Access publishes it. */
  readonly jwk: Record<string, unknown>;
}

export function makeKey(kid: string): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" } };
}

const b64url = (value: unknown): string => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** An RS256 JWT over `claims`, with `header` fields added to `{ alg: "RS256", kid, typ: "JWT" }`. */
export function signJwt(key: TestKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const input = `${b64url({ alg: "RS256", kid: key.kid, typ: "JWT", ...header })}.${b64url(claims)}`;
  return `${input}.${createSign("RSA-SHA256").update(input).sign(key.privateKey).toString("base64url")}`;
}

/** `alg: "none"`, no signature. */
export const unsignedJwt = (kid: string, claims: Record<string, unknown>): string => `${b64url({ alg: "none", kid, typ: "JWT" })}.${b64url(claims)}.`;

/** HS256 keyed with the public key's own text: what a verifier that trusts `alg` would accept. */
export function hs256Jwt(key: TestKey, claims: Record<string, unknown>): string {
  const input = `${b64url({ alg: "HS256", kid: key.kid, typ: "JWT" })}.${b64url(claims)}`;
  return `${input}.${createHmac("sha256", JSON.stringify(key.jwk)).update(input).digest("base64url")}`;
}

export interface KeyServer {
  /** The team domain to configure: `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The keys published now; change it to rotate. */
  keys: TestKey[];
  /** Requests for the key set so far. */
  readonly hits: () => number;
  close(): Promise<void>;
}

/** Serves `{ keys: [...] }` at `/cdn-cgi/access/certs` on 127.0.0.1, like an Access team domain. */
export async function startKeyServer(keys: TestKey[]): Promise<KeyServer> {
  let hits = 0;
  const state: KeyServer = {
    origin: "",
    keys,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    if (req.url !== "/cdn-cgi/access/certs") {
      res.writeHead(404).end();
      return;
    }
    hits++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: state.keys.map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return Object.assign(state, { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

/** Claims Access would put in a token for `aud` from `origin`, valid for an hour from `nowS`. */
export function accessClaims(origin: string, aud: string, nowS = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return { aud: [aud], email: "owner@example.com", exp: nowS + 3600, iat: nowS, nbf: nowS, iss: origin, type: "app", identity_nonce: "n", sub: "7335d417-61da-459d-899c-0a01c76a2f94", country: "KR" };
}
