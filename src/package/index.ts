/**
 * `edge-error-pages`: the middleware. Mount `errorPages()` in front of your routes and every 5XX
 * or origin failure becomes the precise error page, JSON or text, and an incident record.
 * Imports only the visitor's side: no owner API, no dashboard.
 */
export { errorPages, DEFAULT_INCIDENTS, type ErrorPagesOptions } from "../site/error-pages";
export type { IncidentOptions } from "../site/record/recorder";
export { ConfigError } from "../core/vars";
export { templates as bundledTemplates } from "../../templates/index";
export type { Locale } from "../core/i18n/types";
export type { ErrorCode } from "../core/codes";
