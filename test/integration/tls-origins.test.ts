/**
 * TLS as real origins speak it, through the built Worker in workerd: TLS 1.3-only origins with a
 * bad certificate are 526, a TLS 1.0-only origin with a good one is 525, and the text says what
 * the probe saw (alert, version, self-signed / expired / wrong host) with the port, never the IP.
 *
 * "Good" (the `valid` certificate) means: signed by the tests' own CA, in date, naming 127.0.0.1.
 * workerd does not trust that CA, so its validated connect fails for every origin here; what
 * tells the cases apart is what the probe can see.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { en } from "../../src/core/i18n/en";
import { ko } from "../../src/core/i18n/ko";
import { makeCertificates, type TestCertificates } from "../support/certs";
import { startTlsOrigin, type TlsOrigin, type TlsProfile } from "../support/tls-origins";
import { recordOf } from "../support/incidents";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

type CertName = "valid" | "selfSigned" | "expired" | "wrongHost";
const CASES: readonly [TlsProfile, CertName][] = [
  ["tls13", "selfSigned"], ["tls13", "expired"], ["tls13", "wrongHost"], ["tls13", "valid"],
  ["tls12", "selfSigned"], ["tls12", "expired"], ["tls12", "wrongHost"], ["tls12", "valid"],
  ["tls10", "valid"], ["tls10", "selfSigned"],
];
const nameOf = (profile: TlsProfile, cert: CertName) => `${profile}-${cert}`;

let certs: TestCertificates;
const origins = new Map<string, TlsOrigin>();
let w: RunningWorkers;
const BASE = "https://shop.example.com";

beforeAll(async () => {
  certs = makeCertificates();
  for (const [profile, cert] of CASES) origins.set(nameOf(profile, cert), await startTlsOrigin(certs[cert], profile));
  w = await startWorkers(
    [...origins].map(([name, o]) => ({ name, vars: { ORIGIN_TIMEOUT_MS: "3000", PROBE_TIMEOUT_MS: "3000", ORIGIN_URL: `https://127.0.0.1:${o.port}` } })),
  );
});
afterAll(async () => {
  await w?.close();
  await Promise.all([...origins.values()].map((o) => o.close()));
  certs?.dispose();
});

async function problem(name: string, lang = "en", ray?: string) {
  const res = await w.fetch(name, `${BASE}/`, { headers: { accept: "application/json", "accept-language": lang, ...(ray ? { "cf-ray": ray } : {}) } });
  return { status: res.status, body: (await res.json()) as { detail: string; owner_checks: string[]; error_code: number } };
}

const portOf = (name: string) => String(origins.get(name)?.port);

describe("TLS 1.3-only origins (Mozilla modern)", () => {
  it.each(["selfSigned", "expired", "wrongHost", "valid"] as const)("%s certificate → 526, and the text says TLS 1.3 hides why", async (cert) => {
    const name = nameOf("tls13", cert);
    const { status, body } = await problem(name);
    expect(status).toBe(526);
    expect(body.detail).toContain(`Port ${portOf(name)} speaks TLS 1.3, which encrypts the certificate`);
    expect(body.owner_checks[0]).toContain(`openssl s_client -connect <origin>:${portOf(name)}`);
  });
});

describe("TLS 1.2 origins: the certificate is in clear", () => {
  it.each([
    ["selfSigned", "cert_self_signed", (p: string) => `The certificate on port ${p} is self-signed.`],
    ["expired", "cert_expired", (p: string) => `The certificate on port ${p} expired on `],
    ["wrongHost", "cert_wrong_host", (p: string) => `The certificate on port ${p} does not name the origin's host.`],
    ["valid", "cert_untrusted", (p: string) => `The certificate on port ${p} is in date and names the host, yet was refused`],
  ] as const)("%s → 526 (%s)", async (cert, kind, says) => {
    const name = nameOf("tls12", cert);
    const { status, body } = await problem(name);
    expect(status).toBe(526);
    expect(body.detail).toContain(says(portOf(name)));
    expect(JSON.stringify(body)).not.toContain("127.0.0.1");
    void kind;
  });

  it("the incident keeps the certificate, the origin and the finding", async () => {
    const ray = "00000000000526ab";
    await problem(nameOf("tls12", "expired"), "en", ray);
    const kv = await w.kv();
    const record = JSON.parse(await eventually(async () => await recordOf(kv, ray), "incident record"));
    expect(record.finding).toMatchObject({ kind: "cert_expired", port: origins.get(nameOf("tls12", "expired"))?.port });
    expect(record.evidence.origin).toContain("127.0.0.1");
    expect(record.evidence.probe.tlsDetail).toMatchObject({ version: "TLS 1.2", certificate: { expired: true, selfSigned: false, hostMatches: true } });
  });
});

describe("TLS 1.0-only origins", () => {
  it("with a good certificate → 525 (the version), never 526", async () => {
    const name = nameOf("tls10", "valid");
    const { status, body } = await problem(name);
    expect(status).toBe(525);
    expect(body.detail).toContain(`Port ${portOf(name)} speaks only TLS 1.0`);
  });

  it("with a self-signed certificate → 526: the visible defect outranks the version", async () => {
    const { status, body } = await problem(nameOf("tls10", "selfSigned"));
    expect(status).toBe(526);
    expect(body.detail).toContain("is self-signed");
  });

  it("says the same in Korean, with the dashboard's names", async () => {
    const { body } = await problem(nameOf("tls10", "valid"), "ko");
    expect(body.detail).toContain(`${portOf(nameOf("tls10", "valid"))} 포트는 TLS 1.0만 지원`);
    const strict = await problem(nameOf("tls12", "selfSigned"), "ko");
    expect(strict.body.owner_checks.join("\n")).toContain("전체(엄격)");
    expect(strict.body.detail).toContain(ko.findings.cert_self_signed.observed.replace("{port}", portOf(nameOf("tls12", "selfSigned"))));
    expect(en.findings.cert_self_signed.observed).toContain("{port}");
  });
});
