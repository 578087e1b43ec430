/**
 * Just enough DER to judge a certificate the way an owner would: who issued it, when it is
 * valid, and which names it covers. No signature or chain checks: those need the trust store the
 * runtime keeps to itself, so "signed by a trusted CA" is never claimed here.
 */
import type { CertificateEvidence } from "../../core/probe-evidence";

interface Node {
  readonly tag: number;
  /** The whole element, header included (for comparing names byte for byte). */
  readonly raw: Uint8Array;
  readonly body: Uint8Array;
}

function read(b: Uint8Array, at: number): Node | undefined {
  const tag = b[at];
  let length = b[at + 1];
  if (tag === undefined || length === undefined) return undefined;
  let header = 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4) return undefined;
    length = 0;
    for (let k = 0; k < n; k++) length = length * 256 + (b[at + 2 + k] ?? 0);
    header += n;
  }
  const end = at + header + length;
  if (end > b.length) return undefined;
  return { tag, raw: b.subarray(at, end), body: b.subarray(at + header, end) };
}

function children(n: Node): Node[] {
  const out: Node[] = [];
  for (let at = 0; at < n.body.length; ) {
    const child = read(n.body, at);
    if (!child) break;
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const OID_CN = "550403"; // 2.5.4.3
const OID_SAN = "551d11"; // 2.5.29.17
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** UTCTime (YYMMDDHHMMSSZ, 50–99 → 19xx) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
function derTime(n: Node): Date | undefined {
  const s = text(n.body);
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s);
  if (!m) return undefined;
  let year = Number(m[1]);
  if (m[1]?.length === 2) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
}

function commonName(name: Node): string | undefined {
  for (const rdn of children(name)) {
    for (const attribute of children(rdn)) {
      const [oid, value] = children(attribute);
      if (oid && value && hex(oid.body) === OID_CN) return text(value.body);
    }
  }
  return undefined;
}

function ipText(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join(".");
  const groups: string[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) groups.push((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16));
  return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

function altNames(extensions: Node | undefined): string[] | undefined {
  const list = extensions && children(extensions)[0];
  if (!list) return undefined;
  for (const extension of children(list)) {
    const parts = children(extension);
    if (!parts[0] || hex(parts[0].body) !== OID_SAN) continue;
    const value = parts.at(-1);
    const names = value && read(value.body, 0);
    if (!names) return [];
    return children(names).flatMap((g) => (g.tag === 0x82 ? [text(g.body).toLowerCase()] : g.tag === 0x87 ? [ipText(g.body)] : []));
  }
  return undefined;
}

/** `*.example.com` covers exactly one label; names compare case-insensitively. */
export function nameCovers(name: string, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  const n = name.toLowerCase();
  if (n === h) return true;
  if (!n.startsWith("*.")) return false;
  const dot = h.indexOf(".");
  return dot > 0 && h.slice(dot + 1) === n.slice(2);
}

/** The owner's view of a DER certificate at `now` for `host`; undefined if it does not parse. */
export function inspectCertificate(der: Uint8Array, host: string, now: Date): CertificateEvidence | undefined {
  const cert = read(der, 0);
  const tbs = cert && children(cert)[0];
  if (!tbs) return undefined;
  const fields = children(tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // explicit [0] version
  const [, , issuer, validity, subject] = fields.slice(offset);
  const [from, to] = validity ? children(validity) : [];
  const notBefore = from && derTime(from);
  const notAfter = to && derTime(to);
  if (!issuer || !subject || !notBefore || !notAfter) return undefined;
  const sans = altNames(fields.find((f) => f.tag === 0xa3));
  const cn = commonName(subject);
  const names = sans ?? (cn ? [cn.toLowerCase()] : []);
  const bare = host.replace(/^\[|\]$/g, "");
  return {
    selfSigned: equal(issuer.raw, subject.raw),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    expired: notAfter.getTime() < now.getTime(),
    notYetValid: notBefore.getTime() > now.getTime(),
    names: names.slice(0, 20),
    hostMatches: names.some((n) => nameCovers(n, bare)),
  };
}
