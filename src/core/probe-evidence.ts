/**
 * What the probe saw on the wire, kept whole in the incident's evidence. The types live in core
 * because the incident schema and the owner's texts read them; the probe (`src/site/probe.ts`)
 * is the only writer.
 */

/** The leaf certificate, when the server sent it in clear (TLS 1.2 and older). */
export interface CertificateEvidence {
  /** Issuer and subject are the same name: nobody but the server itself vouches for it. */
  readonly selfSigned: boolean;
  /** ISO times from the certificate's validity. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly expired: boolean;
  readonly notYetValid: boolean;
  /** Names it is valid for: subjectAltName DNS names and IP addresses, or the CN without SANs. */
  readonly names: readonly string[];
  /** Whether one of `names` covers the origin's host name or IP. */
  readonly hostMatches: boolean;
}

/** What the server answered to the probe's ClientHello. */
export interface TlsEvidence {
  /** The version its ServerHello chose: "TLS 1.3", "TLS 1.2", "TLS 1.1", "TLS 1.0", "SSL 3.0". */
  readonly version?: string;
  /** The cipher suite it chose, 4 hex digits (`c02f`). */
  readonly cipher?: string;
  /** The alert it sent instead, by its registered name (`handshake_failure`), or `alert_<n>`. */
  readonly alert?: string;
  /** Only up to TLS 1.2: TLS 1.3 encrypts the certificate. */
  readonly certificate?: CertificateEvidence;
}

/**
 * What a plain `HEAD` for the same path got, after a fetch that failed on an open port:
 * `empty` no byte before the close; `not_http` a first line that is no status line;
 * `closed_before_headers` a status line but the connection ended before the blank line;
 * `headers_too_large` the header block passed {@link HEADER_LIMIT} bytes; `complete` a whole
 * header block (the failure did not repeat); `timeout` nothing within the budget.
 */
export interface HttpReplyEvidence {
  readonly outcome: "empty" | "not_http" | "closed_before_headers" | "headers_too_large" | "complete" | "timeout";
  readonly bytes: number;
  /** The first line, up to 80 characters (incident only: it can name the server). */
  readonly firstLine?: string;
}

/** Cloudflare refuses response headers over 16 KB (the article's 520 causes). */
export const HEADER_LIMIT = 16 * 1024;
