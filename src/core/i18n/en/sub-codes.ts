import type { Messages } from "../types";

/** The 1xxx codes that travel with a 530 (and 1101/1102, with a 500 or 503), in English. */
export const subCodes: Messages["subCodes"] = {
  1000: {
    title: "DNS points to a prohibited IP",
    happened: "The website's address points to a server it is not allowed to use, so the page could not be loaded.",
    visitor: "Reloading will not help: the site owner has to fix the site's DNS.",
    owner: [
      "An A record in your Cloudflare DNS points to a Cloudflare IP address. Change it to your origin server's IP.",
      "If a reverse proxy (e.g. nginx proxy_pass) sends the request back through Cloudflare, point it at the origin or use a redirect.",
      "Requests with a CF-Connecting-IP header, two X-Forwarded-For headers or one over 100 characters are also refused.",
      "If the record points to a SaaS provider on Cloudflare, ask them to set up a custom hostname for your domain.",
    ],
  },
  1001: {
    title: "DNS resolution error",
    happened: "The website's address could not be looked up, so its server could not be found.",
    visitor: "Please try again in a few minutes.",
    owner: [
      "Check that the domain is active in a Cloudflare account; a request for a domain Cloudflare does not know ends here.",
      "If a CNAME is involved, make sure its target exists and resolves, and that its DNS provider is online.",
      "A domain outside Cloudflare cannot CNAME to a Cloudflare domain unless it is added to a Cloudflare account.",
      "With Cloudflare for SaaS custom hostnames, turn off Always Online and use CNAME records, not A records, for subdomains.",
    ],
  },
  1002: {
    title: "DNS points to a prohibited IP",
    happened: "The website's address points to a server it is not allowed to use, so the page could not be loaded.",
    visitor: "Reloading will not help: the site owner has to fix the site's DNS.",
    owner: [
      "A DNS record points to a Cloudflare IP or to a local or disallowed address (e.g. 127.0.0.1). Use your origin's public IP instead.",
      "Confirm the origin's IP address or CNAME target with your hosting provider, then update the A or CNAME record in Cloudflare DNS.",
      "Make sure the origin resolves your own domain to its internal or public IP, so it does not send its requests back through Cloudflare.",
    ],
  },
  1003: {
    title: "Direct IP access not allowed",
    happened: "This website can only be opened by its name, not by a numeric IP address. Please use the site's name instead.",
    visitor: "Open the site by its name, not by an IP address.",
    owner: [
      "The request went to a Cloudflare IP address directly instead of to your domain name.",
      "Use the domain name in links, bookmarks and API clients, not a Cloudflare IP.",
      "If a service calls your site by IP, change it to send your hostname.",
    ],
  },
  1004: {
    title: "Host not configured to serve web traffic",
    happened: "The website is not set up to serve pages at the moment. This is often temporary while its settings change.",
    visitor: "Often temporary while settings change: try again in a few minutes.",
    owner: [
      "If you changed DNS recently, wait for the change to propagate; this usually clears within a few minutes.",
      "Make sure your A records point to your origin server's IP, not to Cloudflare IP addresses.",
      "If it lasts over five minutes, contact Cloudflare support: proxying may have been disabled for the domain (e.g. after an abuse report).",
    ],
  },
  1014: {
    title: "CNAME cross-user banned",
    happened: "The website's address points to a site in another account, which is not allowed, so the page could not be loaded.",
    visitor: "Reloading will not help: the site owner has to fix the site's DNS.",
    owner: [
      "A CNAME points to a domain in a different Cloudflare account; Cloudflare blocks this by default.",
      "CNAMEs within one zone or between zones of the same account are fine: move the target or point to one you own.",
      "To allow the cross-account CNAME, the target's owner has to set it up with Cloudflare for SaaS.",
      "For an R2 custom domain, turn off zone hold on the target zone and check that the zone is not banned.",
    ],
  },
  1016: {
    title: "Origin DNS error",
    happened: "The name of the website's server could not be found, so the page could not be loaded.",
    visitor: "Please try again in a few minutes.",
    owner: [
      "Cloudflare cannot resolve your origin's hostname to an IP address.",
      "Check that an A record with a valid origin IP exists, or that the CNAME target resolves (test with dig or a DNS lookup tool).",
      "Check the origin hostnames in your load balancer pools and keep a fallback pool with an IP address.",
      "For Workers subrequests to a partial (CNAME) setup zone, the hostname must exist in the Cloudflare zone itself.",
      "For Cloudflare for SaaS, check custom hostname validation and the fallback origin record.",
    ],
  },
  1018: {
    title: "Could not find host",
    happened: "The website's address is not ready yet or was changed recently, so it could not be found.",
    visitor: "A new site can take minutes to go live: try again shortly.",
    owner: [
      "If the domain was activated on Cloudflare recently, its settings may still be propagating; wait a few minutes.",
      "If the domain was set up through a hosting partner, ask them whether their DNS setup failed.",
      "If it persists, send Cloudflare support your domain, a screenshot with the Ray ID and a HAR file of the error.",
    ],
  },
  1019: {
    title: "Compute server error",
    happened: "A program that runs this website on the network stopped with an error, so the page could not be loaded.",
    visitor: "Please try again in a few minutes.",
    owner: [
      "A Cloudflare Worker on this route failed; the usual cause is a Worker that calls itself in a loop.",
      "Make sure the Worker does not fetch a URL that is routed to the same Worker script.",
      "Check the Worker's logs (e.g. wrangler tail) for exceptions at the time of the error.",
    ],
  },
  1033: {
    title: "Tunnel error",
    happened: "The secure link between this website and its server is not connected right now.",
    visitor: "The link often comes back by itself: try again shortly.",
    owner: [
      "The hostname is served through a Cloudflare Tunnel, and no cloudflared connector is connected to it.",
      "Make sure cloudflared is running on the origin and can reach the internet, then check the tunnel's status in the dashboard.",
      "Check the cloudflared logs for connection errors.",
      "To stay up when one connector fails, run more cloudflared replicas or put the tunnel behind a load balancer.",
    ],
  },
  1101: {
    title: "Worker threw an exception",
    happened: "A program that runs in front of this website on Cloudflare's network stopped with an error before it could answer.",
    visitor: "Please try again in a few minutes; if it keeps happening, the site owner has to fix it.",
    owner: [
      "A Cloudflare Worker in front of the server this site calls threw an uncaught exception, or answered with something that is not a Response.",
      "Find the exception at the time of the error in that Worker's logs (wrangler tail, or Workers Logs in the dashboard).",
      "Catch errors around its fetch() calls and return a Response on every path; ctx.passThroughOnException() sends a request to the origin when the Worker fails.",
    ],
  },
  1102: {
    title: "Worker exceeded its resource limits",
    happened: "A program that runs in front of this website on Cloudflare's network used more computing time or memory than it may, so it was stopped.",
    visitor: "Please try again in a few minutes.",
    owner: [
      "A Cloudflare Worker in front of the server this site calls ran past its CPU time or memory limit.",
      "Look at that Worker's CPU time and memory in its metrics, and at its logs for the requests around the error.",
      "Move heavy work off the request path (a queue, a Durable Object, the cache), or raise its CPU limit on a paid plan.",
    ],
  },
};
