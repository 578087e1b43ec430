/**
 * The browser tests' stack, also used by scripts/screenshots.mjs: the demo origins, the
 * wrangler-built Worker in workerd (Miniflare on 127.0.0.1, port 0) and Debian's Chromium.
 *
 *   Chromium ──► recorder (127.0.0.1) ──► Miniflare (127.0.0.1) ──► Worker ──► demo origins (127.0.0.1)
 *
 * Miniflare's `upstream` makes the Worker see `https://shop.example.com/…` while the browser only
 * ever talks to 127.0.0.1. The recorder is a plain pass-through that notes every request with its
 * `Sec-Fetch-Dest`: Chromium fetches `/favicon.ico` without telling Playwright (no `request`
 * event, and none at all while `route()` is active), so only the server side can prove that the
 * page asks for nothing but its document.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page, type Response } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import type { Messages } from "../../src/core/i18n";
import { en } from "../../src/core/i18n/en";
import { ko } from "../../src/core/i18n/ko";
import { type RunningWorkers, startWorkers } from "../support/worker";
import { CHROMIUM, chromiumMissing, LAUNCH_ARGS } from "./chromium";

export { CHROMIUM, LAUNCH_ARGS } from "./chromium";

/** The site as the Worker sees it. */
export const SITE = "shop.example.com";
/** A well-formed Ray ID, for pages that need a fixed one (sent as `cf-ray`). */
export const FIXED_RAY = "8f2c1a9b3d4e5f60-ICN";
/** `request.cf` for every request: a placeholder (never fetched from the network). */
const CF = { colo: "ICN", country: "KR", city: "Seoul", asn: 64496, httpProtocol: "HTTP/1.1", tlsVersion: "TLSv1.3" };

export const MESSAGES = { en, ko } as const;
export type Lang = keyof typeof MESSAGES;
export const LANGS: readonly Lang[] = ["en", "ko"];

/** Context options per language: Accept-Language (and navigator.language) and a matching time zone. */
export const LOCALE: Readonly<Record<Lang, BrowserContextOptions>> = {
  en: { locale: "en-US", timezoneId: "America/New_York" },
  ko: { locale: "ko-KR", timezoneId: "Asia/Seoul" },
};

export type Width = "desktop" | "phone";
export const WIDTHS: readonly Width[] = ["desktop", "phone"];
export const DEVICE: Readonly<Record<Width, BrowserContextOptions>> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  // isMobile: the meta viewport is honoured as on a phone, so a page without it would lay out at 980 px.
  phone: { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

export type Hop = "browser" | "edge" | "origin";

export interface PageCase {
  readonly id: string;
  readonly path: string;
  readonly code: number;
  readonly hop: Hop;
  readonly retryable: boolean;
  readonly subCode?: number;
  readonly title: (m: Messages) => string;
  readonly happened: (m: Messages) => string;
  readonly owner: (m: Messages) => readonly string[];
  /** The visitor's text when it is not the code's own (a 1xxx code has its own). */
  readonly visitor?: (m: Messages) => string;
}

/** What the page tells a visitor for this case. */
export const visitorText = (c: PageCase, m: Messages): string => c.visitor?.(m) ?? m.codes[c.code as 502].visitor;

/** The pages the tests open: origin errors, a real refused connection, an edge error and a 530 with its 1xxx code. */
export const CASES: readonly PageCase[] = [
  {
    id: "502",
    path: "/status/502",
    code: 502,
    hop: "origin",
    retryable: true,
    title: (m) => m.codes[502].title,
    happened: (m) => m.codes[502].happened,
    owner: (m) => m.codes[502].owner,
  },
  {
    id: "522",
    path: "/status/522",
    code: 522,
    hop: "origin",
    retryable: true,
    title: (m) => m.codes[522].title,
    happened: (m) => m.codes[522].happened,
    owner: (m) => m.codes[522].owner,
  },
  {
    // Not a status the origin sends: the "refused" Worker's origin port refuses the connection.
    id: "521-refused",
    path: "/down/",
    code: 521,
    hop: "origin",
    retryable: true,
    title: (m) => m.codes[521].title,
    happened: (m) => m.codes[521].happened,
    owner: (m) => m.codes[521].owner,
  },
  {
    id: "525",
    path: "/status/525",
    code: 525,
    hop: "origin",
    retryable: false,
    title: (m) => m.codes[525].title,
    happened: (m) => m.codes[525].happened,
    owner: (m) => m.codes[525].owner,
  },
  {
    id: "530-1016",
    path: "/cf530/1016",
    code: 530,
    hop: "edge",
    retryable: true,
    subCode: 1016,
    title: (m) => m.subCodes[1016].title,
    happened: (m) => m.subCodes[1016].happened,
    owner: (m) => m.subCodes[1016].owner,
    visitor: (m) => m.subCodes[1016].visitor,
  },
  {
    // A cloudflare-nginx body: the failure is the edge's, not the origin's.
    id: "502-branded",
    path: "/branded/502",
    code: 502,
    hop: "edge",
    retryable: true,
    title: (m) => m.codes[502].title,
    happened: (m) => m.edgeVariants[502].happened,
    owner: (m) => m.edgeVariants[502].owner,
  },
];

export function caseById(id: string): PageCase {
  const c = CASES.find((x) => x.id === id);
  if (!c) throw new Error(`no page case ${id}`);
  return c;
}

/** One request the browser sent to the Worker. */
export interface ServedRequest {
  readonly method: string;
  readonly path: string;
  /** `Sec-Fetch-Dest`: "document" for a navigation, "image" for a favicon, and so on. */
  readonly dest: string;
}

export interface Stack {
  /** Where the browser goes (the recorder), e.g. `http://127.0.0.1:41234`. */
  readonly base: string;
  /** Miniflare's own HTTP server, for Node-side requests that should not be recorded. */
  readonly direct: string;
  readonly browser: Browser;
  readonly workers: RunningWorkers;
  /** Every request that reached the recorder, oldest first. */
  readonly served: ServedRequest[];
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  return chromium.launch({ executablePath: CHROMIUM, args: [...LAUNCH_ARGS], timeout: 30_000 });
}

/** A pass-through HTTP proxy on 127.0.0.1 that records each request before forwarding it. */
async function startRecorder(target: URL, served: ServedRequest[]): Promise<{ url: string; close(): Promise<void> }> {
  const agent = new http.Agent({ keepAlive: false });
  const server = http.createServer((req, res) => {
    served.push({ method: req.method ?? "", path: req.url ?? "", dest: String(req.headers["sec-fetch-dest"] ?? "") });
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

/**
 * Starts origins, Workers, recorder and Chromium. Two Workers share one workerd: "main" proxies to
 * the scenario origin (`/status/{code}`, `/branded/502`, `/cf530/1016`, `/retry-after/{code}/{s}`),
 * "refused" takes `/down/*` and proxies to a port that refuses connections (a real 521).
 */
export async function startStack(): Promise<Stack> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    // Newest first, each once: Chromium, recorder, Miniflare, origins.
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const origins = await startOrigins({ backlog: false, log: () => undefined });
    closers.push(() => origins.close());
    const common = { ORIGIN_TIMEOUT_MS: "1500", PROBE_TIMEOUT_MS: "1000" };
    const workers = await startWorkers(
      [
        { name: "main", vars: { ...common, ORIGIN_URL: origins.http } },
        { name: "refused", vars: { ...common, ORIGIN_URL: `http://127.0.0.1:${origins.refusedPort}` }, routes: [`${SITE}/down/*`] },
      ],
      { host: "127.0.0.1", port: 0, upstream: `https://${SITE}`, cf: CF },
    );
    closers.push(() => workers.close());
    const served: ServedRequest[] = [];
    const recorder = await startRecorder(new URL(workers.url), served);
    closers.push(() => recorder.close());
    const browser = await launchChromium();
    closers.push(() => browser.close());
    return { base: recorder.url, direct: workers.url.replace(/\/$/, ""), browser, workers, served, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Requests to anything but 127.0.0.1 (data: URLs aside). */
function isOutside(url: string): boolean {
  if (url.startsWith("data:") || url === "about:blank") return false;
  try {
    return new URL(url).hostname !== "127.0.0.1";
  } catch {
    return true;
  }
}

/**
 * A browser context that notes everything a page must not do: console errors (CSP violations
 * included: Chromium logs each one as an error, and the listener below reports them too),
 * uncaught exceptions, dialogs, and requests to anything but 127.0.0.1.
 */
export class Session {
  /** Console errors (CSP violations included), page errors and dialogs, as text. */
  readonly problems: string[] = [];
  /** Chromium's console note that the document itself came with a 5xx status (expected). */
  readonly statusNotices: string[] = [];
  /** URLs of requests that would leave loopback. */
  readonly outside: string[] = [];
  readonly dialogs: string[] = [];

  private constructor(
    readonly stack: Stack,
    readonly context: BrowserContext,
  ) {}

  static async open(stack: Stack, options: BrowserContextOptions = {}): Promise<Session> {
    const context = await stack.browser.newContext(options);
    // Bounded: a missing element fails in seconds, not after Playwright's 30 s default.
    context.setDefaultTimeout(10_000);
    const s = new Session(stack, context);
    context.on("request", (r) => {
      if (isOutside(r.url())) s.outside.push(r.url());
    });
    context.on("page", (page) => s.watch(page));
    if (options.javaScriptEnabled !== false) {
      // Runs from Playwright (not an inline script), so the page's CSP does not apply to it.
      await context.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) =>
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`),
        );
      });
    }
    return s;
  }

  private watch(page: Page): void {
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      // Chromium reports the document's own 5xx status as a console error. That is the status the
      // page must have, not a problem of the page; anything else (another URL, another text) is.
      const status = /^Failed to load resource: the server responded with a status of (\d{3})\b/.exec(m.text());
      if (status && Number(status[1]) >= 500 && m.location().url === page.url()) this.statusNotices.push(m.text());
      else this.problems.push(`console.error: ${m.text()}`);
    });
    page.on("pageerror", (e) => this.problems.push(`page error: ${e.message}`));
    page.on("dialog", (d) => {
      this.dialogs.push(`${d.type()}: ${d.message()}`);
      this.problems.push(`dialog ${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
  }

  async newPage(): Promise<Page> {
    return this.context.newPage();
  }

  /** Opens `path` in a new page; fails when there is no response. */
  async visit(path: string, page?: Page): Promise<{ page: Page; response: Response }> {
    const p = page ?? (await this.newPage());
    const response = await p.goto(this.stack.base + path, { waitUntil: "load" });
    if (!response) throw new Error(`no response for ${path}`);
    return { page: p, response };
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

/** Requests the Worker got from the browser that were not document navigations (favicon, images, scripts…). */
export function subrequests(stack: Stack): ServedRequest[] {
  return stack.served.filter((r) => r.dest !== "document");
}

/** `text` with `{s}` replaced, as the page's script does. */
export const fill = (text: string, seconds: number): string => text.replace("{s}", String(seconds));

/** Matches `t.retryIn` for any number of seconds; the number is group 1. */
export function retryInPattern(m: Messages): RegExp {
  const [before = "", after = ""] = m.ui.retryIn.split("{s}");
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${esc(before)}(\\d+)${esc(after)}$`);
}

/** The localized name of a hop, as on the hop strip. */
export const hopName = (m: Messages, hop: Hop): string => ({ browser: m.ui.browser, edge: m.ui.edge, origin: m.ui.origin })[hop];

/** The Ray ID in the header line, under the brand (Cloudflare's place for it). */
export const rayIdCell = (page: Page) => page.locator("#ray");

/**
 * One stack per test file, with the hooks every file needs: sessions closed at the end, and after
 * each test, proof that the page asked for nothing besides its document.
 */
export function useStack(): { readonly stack: Stack; readonly sessions: Session[] } {
  const suite = { stack: undefined as unknown as Stack, sessions: [] as Session[] };
  beforeAll(async () => {
    suite.stack = await startStack();
  });
  afterAll(async () => {
    for (const s of suite.sessions) await s.close().catch(() => undefined);
    await suite.stack?.close();
  });
  afterEach(() => {
    if (suite.stack) expect(subrequests(suite.stack), "requests besides the document").toEqual([]);
  });
  return suite;
}
