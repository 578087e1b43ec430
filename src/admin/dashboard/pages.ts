/**
 * The dashboard's HTML routes: the overview, one incident, the Ray ID search, and the sign-in
 * and sign-out forms. Problems are shown as pages here, not as JSON.
 */
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { pickLocale } from "../../core/i18n";
import { type AdminDeps, type AdminEnv, queryOf, storeOf } from "../api/api";
import { checkOwner, deniedJson, type Verdict } from "../auth/auth";
import { LOGIN_PERIOD_S, mayTrySignIn } from "../auth/rate-limit";
import { issueSession, readSession, revokeSession, SESSION_COOKIE, SESSION_TTL_S } from "../auth/session";
import { pickBucket } from "../api/buckets";
import { RECENT_PER_CODE, renderOverview, renderProblem } from "./dashboard";
import { BadRequest, StoreUnavailable } from "../errors";
import { renderIncident } from "./incident-page";
import { tokenMatches } from "../auth/keys";
import type { PageContext } from "./layout";
import { renderLogin } from "./login";
import { adminMessages, fill } from "./messages";
import { DEFAULT_STATS_RANGE_MS, parseFilters } from "../api/params";
import { lookupRay, normalizeRayId } from "../api/query";
import { computeStats } from "../api/stats";
import { alertLedger, askLedger, testHost } from "../api/alerts";
import { renderAlerts } from "./alerts-page";

type C = Context<AdminEnv>;

/** Where Access ends its own session, on the hostname it protects. */
const ACCESS_LOGOUT = "/cdn-cgi/access/logout";

/** Everything a page needs about this request. */
export function pageContext(c: C, deps: AdminDeps, base: string): PageContext {
  const locale = pickLocale(c, deps.defaultLocale);
  const via = c.get("owner")?.via;
  return {
    m: adminMessages(locale),
    locale,
    base,
    nonce: c.get("secureHeadersNonce") ?? "",
    url: new URL(c.req.url),
    signOut: via === "session" ? "session" : via === "access" ? "access" : null,
    sameSite: deps.check.mode === "same-site",
    // Same-site, the cookie does not open the API: a JSON link would only show a 401.
    apiLinks: deps.check.mode === "own-host" || (via !== undefined && via !== "session"),
  };
}

/** Bad parameters and an unreadable store become pages with the right status. */
async function asPage(c: C, ctx: PageContext, render: () => Promise<Response>): Promise<Response> {
  try {
    return await render();
  } catch (err) {
    if (err instanceof BadRequest) return c.html(renderProblem(ctx, ctx.m.badRequest, ctx.m.badRequests[err.error] ?? err.detail), 400);
    if (err instanceof StoreUnavailable) return c.html(renderProblem(ctx, ctx.m.unavailable, err.detail), 503);
    throw err;
  }
}

const wantsHtml = (c: C): boolean => /text\/html/i.test(c.req.header("accept") ?? "");

/** What an unauthenticated request gets: the sign-in page for a browser, a JSON 401 for the rest. */
export function denied(deps: AdminDeps, base: string) {
  return (c: C, verdict: Exclude<Verdict, { owner: unknown }>): Response => {
    if (c.req.path.startsWith(`${base}/api/`) || !wantsHtml(c)) return deniedJson(c, verdict.denial, verdict.access);
    const ctx = pageContext(c, deps, base);
    const notice = verdict.denial === "session" ? ctx.m.sessionEnded : verdict.denial === "access" ? ctx.m.accessRefused : undefined;
    return c.html(renderLogin(ctx, notice), 401);
  };
}

/** Sign-in and sign-out: reachable without credentials, protected against cross-site posts. */
export function mountSession(app: Hono<AdminEnv>, deps: AdminDeps, base: string): void {
  const sameOrigin = csrf();
  const small = bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.json({ error: "too_large", detail: "the form is larger than 8 KiB" }, 413) });

  app.get("/login", async (c) => {
    const ctx = pageContext(c, deps, base);
    if ("owner" in (await checkOwner(c, deps.check, Date.now()))) return c.redirect(`${base}?lang=${ctx.locale}`, 303);
    return c.html(renderLogin(ctx));
  });

  app.post("/login", sameOrigin, small, async (c) => {
    const ctx = pageContext(c, deps, base);
    if (!(await mayTrySignIn(c, deps.loginLimit))) {
      c.header("Retry-After", String(LOGIN_PERIOD_S));
      return c.html(renderLogin(ctx, ctx.m.tooManyAttempts), 429);
    }
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const keys = await deps.keys();
    if (!(await tokenMatches(keys, token))) return c.html(renderLogin(ctx, ctx.m.wrongToken), 401);
    const session = await issueSession(keys, Date.now());
    setCookie(c, SESSION_COOKIE, session, { path: base, httpOnly: true, secure: true, sameSite: "Strict", maxAge: SESSION_TTL_S });
    return c.redirect(`${base}?lang=${ctx.locale}`, 303);
  });

  app.post("/logout", sameOrigin, small, async (c) => {
    const ctx = pageContext(c, deps, base);
    const now = Date.now();
    const cookie = getCookie(c, SESSION_COOKIE);
    const session = cookie === undefined ? undefined : await readSession(await deps.keys(), cookie, now);
    // Revoked first: if KV cannot take it, the answer says so (503) and the cookie stays, so the
    // owner knows the session is not over yet.
    if (session) await revokeSession(storeOf(c, deps.binding), session, now);
    deleteCookie(c, SESSION_COOKIE, { path: base, httpOnly: true, secure: true, sameSite: "Strict" });
    // Access keeps a session of its own on the hostname it protects; its logout URL ends that one.
    return c.redirect(deps.check.access && c.req.header("cf-access-jwt-assertion") !== undefined ? ACCESS_LOGOUT : `${base}/login?lang=${ctx.locale}`, 303);
  });
}

const HOUR_MS = 3_600_000;

/** True when the series has failures and every one is in a bucket that starts within the last hour. */
function onlyInLastHour(series: readonly { start: string; total: number }[], now: number): boolean {
  const busy = series.filter((p) => p.total > 0);
  return busy.length > 0 && busy.every((p) => Date.parse(p.start) >= now - HOUR_MS);
}

/** The overview page handler (also serves `{base}/`). */
export function overview(deps: AdminDeps, base: string) {
  return (c: C): Promise<Response> => {
    const ctx = pageContext(c, deps, base);
    return asPage(c, ctx, async () => {
      const q = queryOf(c);
      const now = Date.now();
      const read = async (since: string) => {
        const filters = parseFilters((name) => (name === "since" ? since : q(name)), now, DEFAULT_STATS_RANGE_MS);
        const bucket = pickBucket(q("bucket"), filters.sinceMs, filters.untilMs);
        return { since, filters, ...(await computeStats(storeOf(c, deps.binding), filters, bucket, { recentPerCode: RECENT_PER_CODE })) };
      };
      let view = await read(q("since") ?? "24h");
      // Unasked, a day whose failures all fell in the last hour (a fresh site, a new outage) would
      // be one sliver at the chart's edge: show that hour instead, with the range saying so.
      if (q("since") === undefined && q("bucket") === undefined && onlyInLastHour(view.stats.series, now)) view = await read("1h");
      return c.html(renderOverview(ctx, view));
    });
  };
}

/** The pages behind sign-in. */
export function mountPages(app: Hono<AdminEnv>, deps: AdminDeps, base: string): void {
  app.get("/", overview(deps, base));

  app.get("/incidents", (c) => {
    const ctx = pageContext(c, deps, base);
    return asPage(c, ctx, async () => {
      const ray = normalizeRayId(c.req.query("ray") ?? "");
      return c.redirect(`${base}/incidents/${ray}?lang=${ctx.locale}`, 303);
    });
  });

  app.get("/alerts", (c) => {
    const ctx = pageContext(c, deps, base);
    return asPage(c, ctx, async () => c.html(renderAlerts(ctx, await askLedger(() => alertLedger(c).alerts()))));
  });

  app.post("/alerts/test", csrf(), bodyLimit({ maxSize: 8 * 1024 }), (c) => {
    const ctx = pageContext(c, deps, base);
    return asPage(c, ctx, async () => {
      const ledger = alertLedger(c);
      const results = await askLedger(() => ledger.testAlert(testHost(c)));
      return c.html(renderAlerts(ctx, await askLedger(() => ledger.alerts()), results));
    });
  });

  app.get("/incidents/:ray", (c) => {
    const ctx = pageContext(c, deps, base);
    return asPage(c, ctx, async () => {
      const [found, status] = await lookupRay(c, deps.binding, c.req.param("ray"));
      if (status === 404) return c.html(renderProblem(ctx, "", fill(ctx.m.notFound, { ray: found.ray_id })), 404);
      return c.html(renderIncident(ctx, found.ray_id, found.incidents, found.counted));
    });
  });
}
