/**
 * The error-page templates. Edit `page.html` to restyle every code; to give one code its own
 * page, add e.g. `522.html` beside it and register it in `overrides`. See docs/templates.md.
 */
import type { ErrorCode } from "../src/core/codes";
import page from "./page.html";

export const templates: { readonly page: string; readonly overrides: Partial<Record<ErrorCode, string>> } = {
  page,
  overrides: {},
};
