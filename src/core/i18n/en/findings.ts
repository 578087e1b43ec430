import type { Messages } from "../types";

const logLine = 'In the web server\'s error log, look for "upstream prematurely closed connection" at that time: the application behind it crashed or dropped the connection.';
const check13 = "Check the certificate from a shell: openssl s_client -connect <origin>:{port} -servername <your host> shows its issuer, dates and names.";

/** What the Worker saw, in English. `observed` is one public line; `owner` steps come before the code's own. */
export const findings: Messages["findings"] = {
  origin_status: { observed: "The origin answered with HTTP {status}." },
  edge_status: { observed: "A Cloudflare error page came back with HTTP {status}." },
  reported: { observed: "Cloudflare answered {status} for the request to the origin; the Worker saw nothing more." },
  sub_code: { observed: "Cloudflare answered 530 with error {code}." },
  sub_code_missing: { observed: "Cloudflare answered 530 without a 1xxx code." },
  refused: {
    observed: "Port {port} refused the connection.",
    owner: ["Nothing accepted connections on port {port}: start the web server, or let Cloudflare's IP ranges reach that port."],
  },
  connect_timeout: {
    observed: "No TCP connection to port {port} within {s} s.",
    owner: ["The connection was never set up: packets to port {port} are dropped, not refused. Look for a firewall or rate limit silently dropping Cloudflare's IPs."],
  },
  no_headers: {
    observed: "No response headers within {s} s.",
    owner: [
      "The Worker waited {s} s (ORIGIN_TIMEOUT_MS) for the origin's response headers, then gave up.",
      "That limit applies in front of Cloudflare's own proxy read timeout (100 s in the troubleshooting article, 120 s in current docs): the shorter one ends the request.",
      "On Enterprise, if you raise proxy_read_timeout, raise ORIGIN_TIMEOUT_MS with it, or the Worker still gives up first.",
    ],
  },
  empty_reply: {
    observed: "The origin closed the connection on port {port} without sending anything.",
    owner: [logLine],
  },
  not_http: {
    observed: "The origin's reply on port {port} is not HTTP (no status line).",
    owner: ["Something other than a web server answers on port {port}, or the server writes output before the status line."],
  },
  closed_before_headers: {
    observed: "The origin closed the connection on port {port} before the end of the response headers.",
    owner: [logLine],
  },
  headers_too_large: {
    observed: "The origin's response headers on port {port} exceed 16 KB.",
    owner: ["Shrink the response headers below 16 KB: usually too many or too large cookies."],
  },
  bad_reply: { observed: "The origin's reply on port {port} could not be read as HTTP." },
  tls_alert: {
    observed: "Port {port} refused the TLS handshake with the alert {alert}.",
    owner: ["{alert} is the origin's TLS library speaking: its error log at that time says why (often no cipher suite in common, or no certificate for the name sent by SNI)."],
  },
  tls_not_tls: {
    observed: "Port {port} does not speak TLS: it answered the handshake with something else.",
    owner: ["Port {port} serves plain HTTP (or another protocol). Serve HTTPS there, or send Cloudflare to the port that does."],
  },
  tls_silent: {
    observed: "Port {port} accepted the connection but never answered the TLS handshake.",
    owner: ["Check what listens on port {port}: a TLS server answers a ClientHello at once."],
  },
  tls_legacy: {
    observed: "Port {port} speaks only {version}, which validated connections refuse.",
    owner: ["Enable TLS 1.2 and TLS 1.3 on the origin; TLS 1.0 and 1.1 are refused by current clients, the Worker's runtime included."],
  },
  cert_self_signed: {
    observed: "The certificate on port {port} is self-signed.",
    owner: ["Full (strict) rejects self-signed certificates: install one signed by a CA (a free Cloudflare Origin CA certificate works), or set the SSL/TLS mode to Full."],
  },
  cert_expired: {
    observed: "The certificate on port {port} expired on {date}.",
    owner: ["Renew the certificate and reload the web server so it serves the new one."],
  },
  cert_not_yet_valid: {
    observed: "The certificate on port {port} is not valid until {date}.",
    owner: ["Check the origin's clock and the certificate's start date."],
  },
  cert_wrong_host: {
    observed: "The certificate on port {port} does not name the origin's host.",
    owner: ["Put the host name in the certificate's Subject Alternative Name, or serve the right certificate for that name (SNI)."],
  },
  cert_hidden: {
    observed: "Port {port} speaks {version}, but its certificate was not accepted; {version} encrypts the certificate, so why cannot be seen here.",
    owner: [check13],
  },
  cert_untrusted: {
    observed: "The certificate on port {port} is in date and names the host, but was not accepted: its issuer is not trusted or the chain is incomplete.",
    owner: ["Serve the full chain (the certificate and its intermediates), from a public CA or Cloudflare Origin CA."],
  },
  unreachable: { observed: "No route to the origin (port {port})." },
  dns: { observed: "The origin's host name did not resolve." },
  worker_fault: { observed: "This site's Worker failed while handling the request." },
};
