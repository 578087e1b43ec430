/**
 * The sign-in page: a form that posts the token once and gets a session cookie back. Served to
 * browsers that reach the dashboard without credentials.
 */
import { h } from "./html";
import { layout, type PageContext } from "./layout";

/** `message`: why the form is shown again (wrong token, expired session). */
export function renderLogin(ctx: PageContext, message?: string): string {
  const { m } = ctx;
  const notice = message ? h`<p class="note" role="alert">${message}</p>` : "";
  const body = h`<h1>${m.signInTitle}</h1>
<div class="card"><p class="muted">${m.signInHint}</p>${notice}
<form class="row" method="post" action="${ctx.base}/login?lang=${ctx.locale}">
<input type="text" name="username" value="admin" autocomplete="username" hidden>
<label>${m.tokenLabel}<input type="password" name="token" required minlength="16" autocomplete="current-password" spellcheck="false"></label>
<button type="submit">${m.signIn}</button></form></div>`;
  return layout({ ...ctx, signOut: null }, m.signInTitle, body);
}
