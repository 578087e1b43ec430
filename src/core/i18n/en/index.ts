import type { Messages } from "../types";
import { findings } from "./findings";
import { subCodes } from "./sub-codes";

/** Owner steps shared by the 500/502/503/504 variants for Cloudflare's own errors. */
const edgeSupport = [
  "Contact Cloudflare support and give your domain name and the time of the error, including the time zone.",
  "Add the URL that failed and the Ray ID shown on this page.",
  "Open /cdn-cgi/trace on the same hostname (e.g. https://www.example.com/cdn-cgi/trace) in the browser that saw the error and include its output.",
] as const;

export const en: Messages = {
  locale: "en",
  languageName: "English",
  codes: {
    500: {
      title: "Internal server error",
      happened: "The website's server ran into a problem and could not complete your request.",
      visitor: "Please try again in a few minutes.",
      owner: [
        "Your origin application failed while handling the request. Check the application and web server error logs around the time shown.",
        "A frequent cause is the application losing its database connection: check that the database is up and reachable.",
        "If you need help, give your hosting provider the error code and message, the time with time zone, and the URL.",
      ],
    },
    502: {
      title: "Bad gateway",
      happened: "The website's server, or a service in front of it, sent back an invalid reply, so the page could not be loaded.",
      visitor: "Trying again in a minute or two often helps.",
      owner: [
        "Your origin, or a proxy or load balancer in front of it, answered with 502. Check the logs of the origin and its upstream services.",
        "Make sure the origin answers requests for this exact hostname and domain.",
        "Look for heavy load, crashes or network failures on the origin at the time of the error.",
        "Find applications or services that timed out or were blocked.",
        "Ask your hosting provider for help, giving the error code, the time with time zone, and the URL.",
      ],
    },
    503: {
      title: "Service temporarily unavailable",
      happened: "The website's server is overloaded or is limiting requests for now, so it could not show this page.",
      visitor: "The site should be back shortly; please try again in a little while.",
      owner: [
        "Your origin answered with 503: it is overloaded or turning requests away. Check its load, process limits and error logs.",
        "Ask your hosting provider whether they are rate-limiting requests to your origin server.",
        "Give your hosting provider the error code, the time with time zone, and the URL.",
      ],
    },
    504: {
      title: "Gateway timeout",
      happened: "The website's server, or a service behind it, took too long to answer, so the page could not be loaded.",
      visitor: "Please try again in a couple of minutes.",
      owner: [
        "Your origin, or a service it depends on, answered with 504. Check which upstream call timed out.",
        "Make sure the origin answers requests for this exact hostname and domain.",
        "Look for heavy load, crashes or network failures on the origin at the time of the error.",
        "Find applications or services that timed out or were blocked.",
        "Ask your hosting provider for help, giving the error code, the time with time zone, and the URL.",
      ],
    },
    520: {
      title: "Web server returned an unknown error",
      happened: "The website's server sent back an empty or unexpected reply that could not be understood.",
      visitor: "Trying again in a minute may help.",
      owner: [
        "Check the origin's error logs for crashes of the web server or application at the time of the error.",
        "Make sure no firewall or security tool on the origin blocks Cloudflare's IP addresses.",
        "Keep response headers under 16 KB; oversized headers usually come from too many cookies.",
        "The origin must always send a status code and valid headers: empty replies or connections closed before the headers cause 520. A web server in front of the application logs this as \"upstream prematurely closed connection while reading response header from upstream\".",
        "If it persists, give Cloudflare support the full URL, the Ray ID, the /cdn-cgi/trace output and two HAR files (Cloudflare on and paused).",
      ],
    },
    521: {
      title: "Web server is down",
      happened: "The website's server refused the connection. It may be down, or it may be blocking the connection.",
      visitor: "If the server is only restarting, it will be back in a few minutes.",
      owner: [
        "Check that the web server process (e.g. nginx or Apache) is running and listening on ports 80/443.",
        "Read the origin's error logs for crashes or shutdowns of the web server.",
        "Make sure the firewall and any security software allow all Cloudflare IP ranges and do not block or rate-limit them.",
        "In Full or Full (strict) SSL/TLS mode, check that a certificate (e.g. a Cloudflare Origin CA certificate) is installed on the origin.",
        "Ask your hosting provider for help, giving the error code, the time with time zone, and the URL.",
      ],
    },
    522: {
      title: "Connection timed out",
      happened: "The website's server did not answer in time, so the connection to it timed out.",
      visitor: "Please try again in a few minutes.",
      owner: [
        "A 522 is one of two timeouts: no SYN+ACK within 15 s of the SYN (19 s in current docs), or, once connected, no ACK for the request within 90 s.",
        "Most common: .htaccess, iptables or a firewall blocks or rate-limits Cloudflare's IPs. Ask your host to allow all Cloudflare IP ranges.",
        "Check whether the origin is overloaded or offline and dropping incoming requests or packets.",
        "Make sure keepalives are enabled on the origin web server.",
        "Check that the IP in your Cloudflare DNS record matches the server IP your hosting provider currently gives you.",
        "On Cloudflare Pages, check that the custom domain is set up and its CNAME record points to your Pages domain.",
        "If it persists, ask your host for an MTR or traceroute to the Cloudflare IPs in your logs and pass the results to Cloudflare support.",
      ],
    },
    523: {
      title: "Origin is unreachable",
      happened: "The website's server could not be reached because there is currently no network path to it.",
      visitor: "Trying again in a few minutes may help.",
      owner: [
        "Check that the A or AAAA record in Cloudflare DNS holds the origin's current, correct IP address.",
        "Ask your hosting provider to check internet routing to the origin and between Cloudflare and the origin.",
        "If it persists, collect an MTR or traceroute from the origin to the Cloudflare IPs that connected most often before the failure.",
        "With a self-managed Railgun, also give a traceroute from the Railgun server to the origin and the Railgun server's latest syslog.",
        "Give your hosting provider the error code, the time with time zone, and the URL.",
      ],
    },
    524: {
      title: "A timeout occurred",
      happened: "The website's server received the request but took too long to send back the page.",
      visitor: "The server may be busy; try again in a couple of minutes. A form you sent may still be processing: check before sending it again.",
      owner: [
        "The connection was made, but the origin sent no HTTP response in time (Cloudflare's proxy read timeout: 100 s in the troubleshooting article, 120 s in current docs).",
        "Look for long-running processes, such as heavy database queries, and for overload or resource shortages on the origin.",
        "For long jobs, answer at once and let the client poll a status URL instead of holding the request open.",
        "Serve requests that regularly take over 100 s, such as large exports, from a subdomain that is not proxied (DNS only).",
        "On the Enterprise plan, the proxy read timeout can be raised up to 6000 seconds (proxy_read_timeout setting).",
      ],
    },
    525: {
      title: "SSL handshake failed",
      happened: "A secure connection to the website's server could not be set up.",
      visitor: "Please come back once the site owner has corrected the server's security setup.",
      owner: [
        "The SSL/TLS handshake between Cloudflare and the origin failed while the SSL/TLS mode is Full or Full (strict).",
        "Make sure a valid certificate is installed on the origin; a free Cloudflare Origin CA certificate works.",
        "Check that port 443 (or your custom HTTPS port) is open on the origin.",
        "Make sure the origin supports SNI and shares at least one cipher suite with Cloudflare.",
        "Check the origin's error logs at the time of the error for connections reset during the handshake.",
      ],
    },
    526: {
      title: "Invalid SSL certificate",
      happened: "The website's security certificate could not be verified, so no safe connection to its server was made.",
      visitor: "Please come back once the site owner has fixed the certificate.",
      owner: [
        "The SSL/TLS mode is Full (strict) and the origin's certificate failed validation.",
        "Check that the certificate has not expired or been revoked.",
        "It must be signed by a certificate authority (a Cloudflare Origin CA certificate also works), not self-signed.",
        "The requested hostname must be in the certificate's Common Name or Subject Alternative Name, and the origin must accept connections on port 443.",
        "If you have to keep a self-signed certificate, switch the SSL/TLS mode from Full (strict) to Full.",
      ],
    },
    527: {
      title: "Railgun listener to origin error",
      happened: "A connection between the website's services was interrupted, so the page could not be loaded.",
      visitor: "Please try again in a few minutes.",
      owner: [
        "The connection between Cloudflare and your Railgun listener failed. Railgun has been discontinued, so plan to move off it.",
        "Look for firewall interference and for network problems or packet loss between the Railgun server and Cloudflare.",
        "Check the Railgun logs for timeouts, refused connections or TLS errors towards the origin.",
        "For Cloudflare support, collect railgun.conf, railgun-nat.conf and the Railgun log lines showing the error.",
      ],
    },
    530: {
      title: "Site configuration error",
      happened: "A setup problem on the website's side stopped the page from being loaded.",
      visitor:
        "Some of these problems clear up within minutes, so try again shortly; otherwise the site owner has to fix it.",
      owner: [
        "A 530 always comes with a 1xxx error code, shown on this page or in the response body (e.g. \"error code: 1016\").",
        "Look up that 1xxx code in Cloudflare's documentation: the cause and the fix depend on it.",
        "Give your hosting provider or Cloudflare support the error code and sub-code, the time with time zone, the URL and the Ray ID.",
      ],
    },
  },
  edgeVariants: {
    500: {
      happened: "Cloudflare, the network that delivers this website, ran into an internal problem while handling your request.",
      owner: ["Cloudflare answered with its own error page, and that page puts the failure on Cloudflare's side, not on your origin server.", ...edgeSupport],
    },
    502: {
      happened: "Cloudflare, the network that delivers this website, could not pass your request on to the site.",
      owner: ["Cloudflare answered with its own error page, and that page puts the failure on Cloudflare's side, not on your origin server.", ...edgeSupport],
    },
    503: {
      happened: "A Cloudflare data centre that delivers this website is having connection problems right now.",
      owner: ["Cloudflare answered with its own error page: a Cloudflare data centre has a connectivity problem, not your origin server.", ...edgeSupport],
    },
    504: {
      happened: "Cloudflare, the network that delivers this website, timed out while handling your request.",
      owner: ["Cloudflare answered with its own error page, and that page puts the failure on Cloudflare's side, not on your origin server.", ...edgeSupport],
    },
  },
  originStatus: {
    title: "Server error",
    happened: "The website's server answered with error {status} and could not complete your request.",
    visitor: "Please try again later; if it keeps happening, the site owner has to fix it.",
    owner: [
      "Your origin answered with {status} {phrase}. The status comes from the origin (its application, web server, or a proxy in front of it), not from Cloudflare, and is passed on to visitors as it is.",
      "Check the origin's error logs at the time shown for this request, and what in its configuration sends this status.",
      "If you need help, give your hosting provider the error code and message, the time with time zone, and the URL.",
    ],
  },
  workerFault: {
    happened: "The program that runs this website on Cloudflare's network failed while handling your request.",
    owner: [
      "This site's Worker failed: see `wrangler tail` and the incident log (search for the Ray ID) for the exception and its stack.",
      "It is neither a Cloudflare outage nor a failure of your origin: the exception was thrown by the Worker's code or by a handler of the app it runs.",
      "Fix the code and deploy again; until then every request that takes the same path fails the same way.",
    ],
  },
  subCodes,
  findings,
  ui: {
    whatHappened: "What happened?",
    whatCanIDo: "What can I do?",
    ifVisitor: "If you are a visitor of this site",
    ifOwner: "If you own this site",
    notYourFault: "The problem is not on your side.",
    browser: "Browser",
    edge: "Cloudflare",
    origin: "Host",
    working: "Working",
    failed: "Error",
    rayId: "Ray ID",
    timeUtc: "Time (UTC)",
    localTime: "Your local time",
    url: "URL",
    errorCode: "Error code",
    subCode: "Sub-code",
    details: "Details",
    reportTitle: "Details for your hosting provider",
    reportHint: "When you ask your hosting provider or Cloudflare support for help, copy this and send it along.",
    copy: "Copy",
    copied: "Copied",
    tryNow: "Try now",
    retryIn: "Retrying in {s} s…",
    retrying: "Retrying…",
    retryGaveUp: "Automatic retries have stopped. Please try again yourself in a little while.",
    noRetry: "Reloading will not fix this error; the site owner has to fix it.",
    retryAfterHint: "Try again in about {s} seconds.",
    switchLanguage: "Switch language",
    subCodeUnknown: "Other Cloudflare error",
    observed: "Observed",
    plainHeadline: "{code} {title}: the site is having trouble. Ray ID {ray}",
  },
};
