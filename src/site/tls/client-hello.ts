/**
 * The probe's ClientHello: what a current client offers, so an origin configured for TLS 1.3 only
 * (Mozilla's "modern" profile) answers with a ServerHello just as an old TLS 1.0 one does.
 */

const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number): number[] => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const ext = (type: number, body: readonly number[]): number[] => [...u16(type), ...u16(body.length), ...body];
const list16 = (items: readonly number[]): number[] => [...u16(items.length * 2), ...items.flatMap(u16)];

/** TLS 1.3 suites, then ECDHE with AES-GCM / ChaCha20, then the CBC suites TLS 1.0 servers have. */
const SUITES = [
  0x1301, 0x1302, 0x1303,
  0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
  0xc009, 0xc013, 0xc00a, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035, 0x000a,
];
/** ECDSA, RSA-PSS (required for RSA keys under TLS 1.3), RSA PKCS#1, then SHA-1 for old servers. */
const SIGNATURE_SCHEMES = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0203, 0x0201];
const X25519 = 0x001d;
const GROUPS = [X25519, 0x0017, 0x0018];
const VERSIONS = [0x0304, 0x0303, 0x0302, 0x0301];

function serverName(sni: string): number[] {
  const name = [...new TextEncoder().encode(sni)];
  return ext(0x0000, [...u16(name.length + 3), 0, ...u16(name.length), ...name]);
}

/**
 * A ClientHello offering TLS 1.0–1.3. The X25519 key share is 32 random bytes: the probe never
 * finishes the handshake, it only needs the server to pick a version or refuse.
 */
export function clientHello(sni?: string): Uint8Array {
  const random = (n: number): number[] => [...crypto.getRandomValues(new Uint8Array(n))];
  const keyShare = [...u16(X25519), ...u16(32), ...random(32)];
  const extensions = [
    ...(sni ? serverName(sni) : []),
    ...ext(0x000a, list16(GROUPS)), // supported_groups
    ...ext(0x000b, [1, 0]), // ec_point_formats: uncompressed
    ...ext(0x000d, list16(SIGNATURE_SCHEMES)),
    ...ext(0x0017, []), // extended_master_secret
    ...ext(0xff01, [0]), // renegotiation_info, empty
    ...ext(0x002b, [VERSIONS.length * 2, ...VERSIONS.flatMap(u16)]), // supported_versions
    ...ext(0x002d, [1, 1]), // psk_key_exchange_modes: psk_dhe_ke
    ...ext(0x0033, [...u16(keyShare.length), ...keyShare]), // key_share
  ];
  // A 32-byte session id, as TLS 1.3 clients send for middlebox compatibility.
  const body = [3, 3, ...random(32), 32, ...random(32), ...list16(SUITES), 1, 0, ...u16(extensions.length), ...extensions];
  const handshake = [1, ...u24(body.length), ...body];
  return new Uint8Array([0x16, 3, 1, ...u16(handshake.length), ...handshake]);
}
