/**
 * The dashboard's page shell: one self-contained document (inline CSS under a CSP nonce, no
 * scripts, no external requests), the language switch and the sign-out button.
 */
import type { Locale } from "../../core/i18n";
import { LOCALES, messagesFor } from "../../core/i18n";
import { Html, h } from "./html";
import type { AdminMessages } from "./messages";

/** What every page needs to know about the request it answers. */
export interface PageContext {
  readonly m: AdminMessages;
  readonly locale: Locale;
  /** The admin path, e.g. "/__errors". */
  readonly base: string;
  readonly nonce: string;
  /** The request URL, for the language links. */
  readonly url: URL;
  /** The sign-out control to show: a session cookie's, Access's, or none (bearer, signed out). */
  readonly signOut: "session" | "access" | null;
  /** Same-site mode (ADMIN_PATH on the site): every page says why that is weaker. */
  readonly sameSite: boolean;
  /** Link to the JSON API (not where the cookie is all the page has and the API will refuse it). */
  readonly apiLinks: boolean;
}

const CSS = `
:root{--brand:#1d4ed8;--bg:#f3f4f6;--fg:#15181e;--muted:#525a67;--card:#fff;--line:#d8dce2;--bad:#b3261e;--bad-bg:#fdeceb;--font:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",sans-serif;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
--k0:#d9480f;--k1:#1971c2;--k2:#2f9e44;--k3:#ae3ec9;--k4:#f08c00;--k5:#0c8599;--kx:#868e96}
@media(prefers-color-scheme:dark){:root{--brand:#8db4ff;--bg:#0d0f13;--fg:#e7e9ed;--muted:#a2aab6;--card:#171a20;--line:#2d323b;--bad:#ff8f85;--bad-bg:#2f1816}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 var(--font);overflow-wrap:anywhere}
:lang(ko){word-break:keep-all}
a{color:var(--brand)}
:focus-visible{outline:3px solid var(--brand);outline-offset:2px}
.w{max-width:72rem;margin:0 auto;padding:0 1.25rem}
header{background:var(--card);border-bottom:1px solid var(--line)}
header .w{display:flex;align-items:center;justify-content:space-between;gap:1rem;min-height:3.25rem;flex-wrap:wrap}
header a.home{color:inherit;font-weight:650;text-decoration:none}
.tools{display:flex;align-items:center;gap:.75rem}
.tools a{color:inherit}
main{padding:1.5rem 0 3rem}
h1{margin:.4rem 0 .3rem;font-size:1.75rem;line-height:1.2}
h2{margin:1.75rem 0 .6rem;font-size:1.15rem}
p{margin:0 0 .75rem}
.muted{color:var(--muted)}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1rem 1.25rem;margin:1rem 0}
.forms{display:grid;grid-template-columns:2fr 1fr;gap:1rem}
@media(max-width:52rem){.forms{grid-template-columns:1fr}}
form.row{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:0}
label{display:flex;flex-direction:column;gap:.2rem;font-size:.85rem;color:var(--muted)}
input,select{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:.4rem .55rem;min-width:8rem}
button{font:inherit;font-weight:600;border:0;border-radius:8px;padding:.45rem .9rem;background:var(--brand);color:var(--card);cursor:pointer}
button.link{background:none;color:inherit;padding:0;font-weight:400;text-decoration:underline}
.note{border-left:4px solid var(--bad);background:var(--bad-bg);padding:.6rem .9rem;border-radius:8px;margin:1rem 0}
svg.chart{width:100%;height:auto;display:block}
svg.chart text{fill:var(--muted);font:11px var(--font)}
svg.chart .grid{stroke:var(--line);stroke-width:1}
.k0{fill:var(--k0);background:var(--k0)}.k1{fill:var(--k1);background:var(--k1)}.k2{fill:var(--k2);background:var(--k2)}
.k3{fill:var(--k3);background:var(--k3)}.k4{fill:var(--k4);background:var(--k4)}.k5{fill:var(--k5);background:var(--k5)}.kx{fill:var(--kx);background:var(--kx)}
ul.legend{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;list-style:none;padding:0;margin:.6rem 0 0;font-size:.85rem}
.sw{display:inline-block;width:.8rem;height:.8rem;border-radius:3px;margin-right:.35rem;vertical-align:-.05rem}
details.code{background:var(--card);border:1px solid var(--line);border-radius:10px;margin:.5rem 0}
details.code>summary{padding:.6rem 1rem;cursor:pointer}
.sr{display:inline-grid;width:calc(100% - 1.5rem);grid-template-columns:4.5rem 1fr 6rem 5rem;gap:.75rem;align-items:center}
details.code[open]>summary{border-bottom:1px solid var(--line)}
.head{display:grid;grid-template-columns:4.5rem 1fr 6rem 5rem;gap:.75rem;padding:0 2.5rem 0 2.5rem;font-size:.8rem;color:var(--muted)}
.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{font-weight:700;font-family:var(--mono)}
.inner{padding:.5rem 1rem 1rem;overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.875rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;white-space:nowrap}
.nw{white-space:nowrap}
input[type=password]{min-width:18rem}
code,pre,.mono{font-family:var(--mono);font-size:.85rem}
pre{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.8rem 1rem;overflow-x:auto;white-space:pre-wrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1.25rem;margin:0}
dt{color:var(--muted)}dd{margin:0}
.ok{color:#2f9e44}.bad{color:var(--bad)}
ul.tries{margin:0;padding-left:1rem}
.tag{font-size:.75rem;border:1px solid var(--line);border-radius:99px;padding:0 .45rem;margin-left:.3rem;color:var(--muted)}
`;

// Trusted, and must not be escaped: entities are not decoded inside <style>.
const CSS_HTML = new Html(CSS);

function langLinks(ctx: PageContext): Html {
  const links = LOCALES.filter((l) => l !== ctx.locale).map((l) => {
    const url = new URL(ctx.url);
    url.searchParams.set("lang", l);
    return h`<a href="${url.pathname}${url.search}" hreflang="${l}" lang="${l}">${messagesFor(l).languageName}</a>`;
  });
  return h`${links}`;
}

/** Keeps the chosen language across form submissions. */
export const langField = (ctx: PageContext): Html => h`<input type="hidden" name="lang" value="${ctx.locale}">`;

/** A whole HTML document. */
export function layout(ctx: PageContext, title: string, body: Html): string {
  const signOut = ctx.signOut
    ? h`<form method="post" action="${ctx.base}/logout?lang=${ctx.locale}"><button class="link" type="submit">${ctx.m.signOut}</button></form>`
    : "";
  const warning = ctx.sameSite ? h`<aside class="note" role="note"><strong>${ctx.m.sameSiteTitle}</strong> ${ctx.m.sameSiteWarning}</aside>` : "";
  return h`<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="icon" href="data:,">
<style nonce="${ctx.nonce}">${CSS_HTML}</style>
</head>
<body>
<header><div class="w"><a class="home" href="${ctx.base}/?lang=${ctx.locale}">${ctx.m.title}</a><div class="tools">${ctx.signOut ? h`<a href="${ctx.base}/alerts?lang=${ctx.locale}">${ctx.m.alertsLink}</a><a href="${ctx.base}/maintenance?lang=${ctx.locale}">${ctx.locale === "ko" ? "점검 모드" : "Maintenance"}</a>` : ""}${langLinks(ctx)}${signOut}</div></div></header>
<main class="w">
${warning}
${body}
</main>
</body>
</html>`.value;
}
