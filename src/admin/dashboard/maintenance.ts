/**
 * The dashboard's maintenance page: whether it is on and until when, a form to turn it on (end
 * time, message per language) and a button to turn it off. Turning it on here also gives this
 * browser the owner's pass, so the owner keeps seeing the real site.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import type { Locale } from "../../core/i18n";
import { MaintenanceInputProblem, type MaintenanceRecord, OWNER_PASS_COOKIE } from "../../core/maintenance";
import { formatUtc } from "../../core/time";
import type { AdminDeps, AdminEnv } from "../api/api";
import { endMaintenance, issuePass, readMaintenance, startMaintenance } from "../api/maintenance-store";
import { h } from "./html";
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
${record ? h`<form class="row" method="post" action="${action}">${langField(ctx)}<input type="hidden" name="action" value="pass"><button class="link" type="submit">${t.pass}</button></form><p class="muted">${t.passHint}</p>` : ""}
<p class="muted">${t.propagation}</p></div>`;
  return layout(ctx, t.title, body);
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
