import type { Messages } from "../types";

/** What the Worker saw, in English. `observed` is one public line; `owner` steps come before the code's own. */
export const findings: Messages["findings"] = {
  origin_status: { observed: "The origin answered HTTP {status}." },
  edge_status: { observed: "A Cloudflare error page came back with HTTP {status}." },
  reported: { observed: "Cloudflare answered {status} for the origin." },
  sub_code: { observed: "Cloudflare answered 530 with error {code}." },
  sub_code_missing: { observed: "Cloudflare answered 530 without a 1xxx code." },
  refused: { observed: "Port {port} refused the connection." },
  connect_timeout: { observed: "No TCP connection to port {port} within {s} s." },
  no_headers: {
    observed: "No response headers within {s} s.",
    owner: [
      "The Worker waited {s} s (ORIGIN_TIMEOUT_MS) for response headers. This limit applies in front of Cloudflare's proxy read timeout (100 s in the article, 120 s in current docs).",
      "On Enterprise, raising proxy_read_timeout also needs ORIGIN_TIMEOUT_MS raised, or the Worker still gives up first.",
    ],
  },
  empty_reply: { observed: "The origin closed the connection on port {port} without sending anything." },
  not_http: { observed: "The origin's reply on port {port} is not HTTP (no status line)." },
  closed_before_headers: { observed: "The origin closed the connection on port {port} before the end of the headers." },
  headers_too_large: { observed: "The origin's response headers on port {port} exceed 16 KB." },
  bad_reply: { observed: "The origin's reply on port {port} could not be read as HTTP." },
  tls_alert: {
    observed: "Port {port} refused the TLS handshake with the alert {alert}.",
    owner: ["The origin's TLS error log at that time says why (often no cipher suite in common, or no certificate for the SNI name)."],
  },
  tls_not_tls: {
    observed: "Port {port} does not speak TLS.",
    owner: ["Port {port} answers in plain HTTP or another protocol: serve HTTPS there, or use the port that does."],
  },
  tls_silent: { observed: "Port {port} accepted the connection but never answered the TLS handshake." },
  tls_legacy: {
    observed: "Port {port} speaks only {version}, which validated connections refuse.",
    owner: ["Enable TLS 1.2 and 1.3 on the origin: current clients, this Worker's runtime included, refuse TLS 1.0 and 1.1."],
  },
  cert_self_signed: {
    observed: "The certificate on port {port} is self-signed.",
    owner: ["Full (strict) refuses self-signed certificates: install a CA-signed one (a free Cloudflare Origin CA certificate works), or use the Full mode."],
  },
  cert_expired: { observed: "The certificate on port {port} expired on {date}." },
  cert_not_yet_valid: { observed: "The certificate on port {port} is not valid until {date}." },
  cert_wrong_host: { observed: "The certificate on port {port} does not name the origin's host." },
  cert_hidden: {
    observed: "Port {port} speaks {version}, which encrypts the certificate: why it was refused cannot be seen.",
    owner: ["Look at it with openssl s_client -connect <origin>:{port} -servername <host>: issuer, dates and names."],
  },
  cert_untrusted: {
    observed: "The certificate on port {port} is in date and names the host, yet was refused: an untrusted issuer or chain.",
    owner: ["Serve the full chain (certificate and intermediates) from a public CA or Cloudflare Origin CA."],
  },
  unreachable: { observed: "No route to the origin (port {port})." },
  dns: { observed: "The origin's host name did not resolve." },
  worker_fault: { observed: "This site's Worker failed while handling the request." },
};
