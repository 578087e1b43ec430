/**
 * Certificates the TLS tests make for themselves with the `openssl` CLI, in a temporary folder:
 * a test CA and leaves that are valid (signed by that CA, in date, naming 127.0.0.1 and
 * localhost), self-signed, expired, or made out for another host.
 *
 * "Valid" here means what the probe can check: a CA's signature rather than the leaf's own, a
 * validity period around now, and the origin's name. workerd does not trust the test CA, so its
 * validated connect still fails; what the Worker then answers depends on what else is wrong.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

export interface TestCertificates {
  readonly ca: KeyPair;
  readonly valid: KeyPair;
  readonly selfSigned: KeyPair;
  readonly expired: KeyPair;
  readonly wrongHost: KeyPair;
  dispose(): void;
}

const ORIGIN_NAMES = "DNS:localhost,IP:127.0.0.1";

function openssl(dir: string, args: readonly string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** Signs `name`'s request with the CA's config, for the dates given (`YYYYMMDDHHMMSSZ`). */
function signed(dir: string, name: string, san: string, start: string, end: string, selfSign = false): void {
  openssl(dir, ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}.test`]);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  const signer = selfSign ? ["-selfsign", "-keyfile", `${name}.key`] : ["-cert", "ca.crt", "-keyfile", "ca.key"];
  openssl(dir, ["ca", "-batch", "-config", "ca.cnf", ...signer, "-in", `${name}.csr`, "-out", `${name}.crt`, "-notext", "-startdate", start, "-enddate", end, "-extfile", `${name}.ext`]);
}

const stamp = (d: Date): string => `${d.toISOString().slice(0, 19).replace(/[-T:]/g, "")}Z`;

export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "eep-certs-"));
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial"), "1000\n");
  writeFileSync(
    join(dir, "ca.cnf"),
    `[ca]\ndefault_ca=test\n[test]\ndir=.\ndatabase=index.txt\nserial=serial\nnew_certs_dir=.\ndefault_md=sha256\npolicy=any\nunique_subject=no\ncopy_extensions=none\n[any]\ncommonName=supplied\n`,
  );
  openssl(dir, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "30", "-subj", "/CN=edge-error-pages test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  const now = Date.now();
  const day = 86_400_000;
  const [from, to] = [stamp(new Date(now - day)), stamp(new Date(now + 30 * day))];
  signed(dir, "valid", ORIGIN_NAMES, from, to);
  signed(dir, "self", ORIGIN_NAMES, from, to, true);
  signed(dir, "expired", ORIGIN_NAMES, stamp(new Date(now - 60 * day)), stamp(new Date(now - 30 * day)));
  signed(dir, "wrong", "DNS:other.example", from, to);
  const pair = (name: string): KeyPair => ({ cert: readFileSync(join(dir, `${name}.crt`), "utf8"), key: readFileSync(join(dir, `${name}.key`), "utf8") });
  return {
    ca: pair("ca"),
    valid: pair("valid"),
    selfSigned: pair("self"),
    expired: pair("expired"),
    wrongHost: pair("wrong"),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
