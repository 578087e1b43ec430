/**
 * The dashboard's maintenance page: whether it is on and until when, a form to turn it on (end
 * time, message per language) and a button to turn it off. Turning it on here also gives this
 * browser the owner's pass, so the owner keeps seeing the real site. With the owner side on its own
 * hostname that cookie cannot reach the site, so the page offers a hand-over link instead: a
 * signed, short-lived link to the site's host, whose answer there sets the pass for that host.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import type { Locale } from "../../core/i18n";
import { HANDOVER_TTL_S, MaintenanceInputProblem, type MaintenanceRecord, OWNER_HANDOVER_PATH, OWNER_PASS_COOKIE } from "../../core/maintenance";
import { formatUtc } from "../../core/time";
import type { AdminDeps, AdminEnv } from "../api/api";
import { endMaintenance, issueHandover, issuePass, readMaintenance, startMaintenance, verifyHandover } from "../api/maintenance-store";
import { h, type Html } from "./html";
import { langField, layout, type PageContext } from "./layout";
import { fill } from "./messages";
import { pageContext } from "./pages";

type C = Context<AdminEnv>;

interface MaintenanceMessages {
  readonly title: string;
  readonly off: string;
  /** `{until}`, `{since}`. */
  readonly on: string;
  readonly until: string;
  readonly untilHint: string;
  readonly messageEn: string;
  readonly messageKo: string;
  readonly start: string;
  readonly update: string;
  readonly stop: string;
  readonly pass: string;
  readonly passHint: string;
  readonly handoverHost: string;
  readonly handover: string;
  /** `{ttl}`: minutes the link works. */
  readonly handoverHint: string;
  readonly handoverBadHost: string;
  readonly propagation: string;
}

const TEXT: Readonly<Record<Locale, MaintenanceMessages>> = {
  en: {
    title: "Maintenance mode",
    off: "Off: visitors reach the site as usual.",
    on: "On until {until} (since {since}). Visitors get the maintenance page; the origin is not asked.",
    until: "Ends",
    untilHint: "a duration (30m, 2h, 1d) or an ISO time (2026-05-01T18:00:00Z)",
    messageEn: "Message (English)",
    messageKo: "Message (Korean)",
    start: "Turn on",
    update: "Update",
    stop: "Turn off now",
    pass: "Let this browser through",
    passHint: "This browser carries the owner's pass and sees the real site while maintenance is on.",
    handoverHost: "Site hostname",
    handover: "Open the site as the owner",
    handoverHint: "The owner side has a hostname of its own, so its cookies never reach the site. This opens the site with a link signed for that hostname, valid for {ttl} minutes; the browser that follows it gets the owner's pass there until maintenance ends.",
    handoverBadHost: "Give the site's hostname, e.g. www.example.com (a port is allowed).",
    propagation: "Changes reach every data centre within about a minute (Workers KV), plus the site Worker's MAINTENANCE_CHECK_S.",
  },
  ko: {
    title: "점검 모드",
    off: "꺼짐: 방문자는 평소처럼 사이트를 봅니다.",
    on: "{until}까지 켜짐 ({since}부터). 방문자는 점검 페이지를 보며 오리진에는 요청하지 않습니다.",
    until: "종료",
    untilHint: "기간(30m, 2h, 1d) 또는 ISO 시각(2026-05-01T18:00:00Z)",
    messageEn: "안내문 (영어)",
    messageKo: "안내문 (한국어)",
    start: "켜기",
    update: "변경",
    stop: "지금 끄기",
    pass: "이 브라우저는 통과",
    passHint: "이 브라우저는 소유자 통행증을 가지고 있어 점검 중에도 실제 사이트를 봅니다.",
    handoverHost: "사이트 호스트 이름",
    handover: "소유자로 사이트 열기",
    handoverHint: "관리 화면이 별도의 호스트 이름을 쓰므로 이곳의 쿠키는 사이트에 전달되지 않습니다. 이 버튼은 해당 호스트 이름용으로 서명된 링크({ttl}분 동안 유효)로 사이트를 열며, 그 링크를 연 브라우저는 점검이 끝날 때까지 그 사이트에서 소유자 통행증을 받습니다.",
    handoverBadHost: "사이트의 호스트 이름을 입력하세요. 예: www.example.com (포트 포함 가능)",
    propagation: "변경 사항은 약 1분(Workers KV) 안에, 사이트 Worker의 MAINTENANCE_CHECK_S를 더해 모든 데이터 센터에 반영됩니다.",
  },
};

function renderMaintenance(ctx: PageContext, record: MaintenanceRecord | null, problem?: string): string {
  const t = TEXT[ctx.locale];
  const action = `${ctx.base}/maintenance?lang=${ctx.locale}`;
  const state = record
    ? h`<p class="note" role="status">${fill(t.on, { until: formatUtc(new Date(record.until)), since: formatUtc(new Date(record.since)) })}</p>`
    : h`<p role="status">${t.off}</p>`;
  const notice = problem ? h`<p class="note" role="alert">${problem}</p>` : "";
  const body = h`<h1>${t.title}</h1>
<div class="card">${state}${notice}
<form class="row" method="post" action="${action}">${langField(ctx)}<input type="hidden" name="action" value="on">
<label>${t.until}<input name="until" required value="${record ? record.until : "2h"}" title="${t.untilHint}" spellcheck="false"></label>
<label>${t.messageEn}<input name="message_en" maxlength="500" value="${record?.message.en ?? ""}"></label>
<label>${t.messageKo}<input name="message_ko" maxlength="500" value="${record?.message.ko ?? ""}"></label>
<button type="submit">${record ? t.update : t.start}</button></form>
${record ? h`<form class="row" method="post" action="${action}">${langField(ctx)}<input type="hidden" name="action" value="off"><button type="submit">${t.stop}</button></form>` : ""}
${record ? (ctx.sameSite ? passForm(ctx, action) : handoverForm(ctx, action)) : ""}
<p class="muted">${t.propagation}</p></div>`;
  return layout(ctx, t.title, body);
}

function passForm(ctx: PageContext, action: string): Html {
  const t = TEXT[ctx.locale];
  return h`<form class="row" method="post" action="${action}">${langField(ctx)}<input type="hidden" name="action" value="pass"><button class="link" type="submit">${t.pass}</button></form><p class="muted">${t.passHint}</p>`;
}

function handoverForm(ctx: PageContext, action: string): Html {
  const t = TEXT[ctx.locale];
  const ttl = String(Math.round(HANDOVER_TTL_S / 60));
  return h`<form class="row" method="post" action="${action}">${langField(ctx)}<input type="hidden" name="action" value="handover">
<label>${t.handoverHost}<input name="host" required placeholder="www.example.com" spellcheck="false" autocomplete="off"></label>
<button type="submit">${t.handover}</button></form><p class="muted">${fill(t.handoverHint, { ttl })}</p>`;
}

/** `input` as host[:port] in lower case, or undefined when it is not one (a URL, a path, spaces…). */
export function siteHostOf(input: string): string | undefined {
  const host = input.trim().toLowerCase();
  const m = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/.exec(host);
  if (!m || host.length > 259) return undefined;
  return m[1] === undefined || Number(m[1]) <= 65_535 ? host : undefined;
}

async function givePass(c: C, deps: AdminDeps, record: MaintenanceRecord): Promise<void> {
  const untilMs = Date.parse(record.until);
  const value = await issuePass(await deps.keys(), untilMs);
  const maxAge = Math.max(1, Math.ceil((untilMs - Date.now()) / 1000));
  // Path "/": the pass must reach every page of the site; SameSite=Lax so a link into the site carries it.
  setCookie(c, OWNER_PASS_COOKIE, value, { path: "/", httpOnly: true, secure: true, sameSite: "Lax", maxAge });
}

/** Registers the page and its form handler, each behind `owner`. */
export function mountMaintenancePage(app: Hono<AdminEnv>, deps: AdminDeps, base: string, owner: MiddlewareHandler<AdminEnv>): void {
  const small = bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.json({ error: "too_large", detail: "the form is larger than 8 KiB" }, 413) });

  // No owner check: on the site's host the browser has no session; the signed link is the credential.
  app.get(OWNER_HANDOVER_PATH, async (c) => {
    const now = Date.now();
    const record = await readMaintenance(c, deps, now);
    const host = new URL(c.req.url).host.toLowerCase();
    if (!record || !(await verifyHandover(await deps.keys(), host, c.req.query("t") ?? "", now))) {
      return c.json({ error: "handover_invalid", detail: "this link has expired, was made for another host, or maintenance is off: make a new one on the dashboard's maintenance page" }, 403);
    }
    await givePass(c, deps, record);
    // The token leaves the address bar at once, and no Referer carries it on.
    c.header("Referrer-Policy", "no-referrer");
    return c.redirect("/", 303);
  });

  app.get("/maintenance", owner, async (c) => c.html(renderMaintenance(pageContext(c, deps, base), await readMaintenance(c, deps, Date.now()))));

  app.post("/maintenance", csrf(), small, owner, async (c) => {
    const ctx = pageContext(c, deps, base);
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
    const back = `${base}/maintenance?lang=${ctx.locale}`;
    switch (field("action")) {
      case "off":
        await endMaintenance(c, deps);
        deleteCookie(c, OWNER_PASS_COOKIE, { path: "/", httpOnly: true, secure: true, sameSite: "Lax" });
        return c.redirect(back, 303);
      case "pass": {
        const record = await readMaintenance(c, deps, Date.now());
        if (record) await givePass(c, deps, record);
        return c.redirect(back, 303);
      }
      case "handover": {
        const now = Date.now();
        const record = await readMaintenance(c, deps, now);
        if (!record) return c.redirect(back, 303);
        const host = siteHostOf(field("host"));
        if (!host) return c.html(renderMaintenance(ctx, record, TEXT[ctx.locale].handoverBadHost), 400);
        const token = await issueHandover(await deps.keys(), host, Date.parse(record.until), now);
        // The admin host's scheme: https when deployed, http for `npm start` on localhost.
        return c.redirect(`${new URL(c.req.url).protocol}//${host}${base}${OWNER_HANDOVER_PATH}?t=${token}`, 303);
      }
      case "on":
        try {
          const record = await startMaintenance(c, deps, { until: field("until"), message: { en: field("message_en"), ko: field("message_ko") } }, Date.now());
          await givePass(c, deps, record);
          return c.redirect(back, 303);
        } catch (err) {
          if (!(err instanceof MaintenanceInputProblem)) throw err;
          return c.html(renderMaintenance(ctx, await readMaintenance(c, deps, Date.now()), err.detail), 400);
        }
      default:
        return c.html(renderMaintenance(ctx, await readMaintenance(c, deps, Date.now()), "unknown action"), 400);
    }
  });
}
