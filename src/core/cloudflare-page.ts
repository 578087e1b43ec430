/**
 * Tells Cloudflare's own error pages from the origin's by their structure, never by a word: an
 * origin's page that loads scripts from cdnjs.cloudflare.com, Turnstile, the Web Analytics beacon
 * or the /cdn-cgi/ email-protection script, or says "CDN by Cloudflare" in its footer, is still the
 * origin's page. Pure: works on the bounded, decoded body prefix and the response's headers.
 */
import { parseSubCode } from "./codes";

/** Which rule decided who answered, as recorded with the failure. */
export type PageRule =
  /** Cloudflare's full error page with the Cloudflare column marked as the error source. */
  | "cf_page_source_cloudflare"
  /** Cloudflare's full error page with the Host column marked: the origin answered that status. */
  | "cf_page_source_host"
  /** A full 502/504 page with no column marked: the article's branded 502/504, sent when the origin answered 502/504. */
  | "cf_page_unmarked_gateway"
  /** A full 500/503 page with no column marked: Cloudflare's own. */
  | "cf_page_unmarked"
  /** The short nginx-style page whose server line is `cloudflare` or `cloudflare-nginx`. */
  | "cf_short_page"
  /** The plain-text `error code: NNN` body sent with `Server: cloudflare`. */
  | "cf_error_code_text"
  /** Cloudflare's structured error (JSON or Markdown with `cloudflare_error: true`), category `cloudflare`. */
  | "cf_structured_edge"
  /** Cloudflare's structured error naming another category: the origin's side. */
  | "cf_structured_origin"
  /** `Server: cloudflare` or `cf-ray` on the response, but the body is no Cloudflare page: the origin's, relayed. */
  | "cf_headers_only"
  /** Nothing of Cloudflare's: the origin's own answer. */
  | "origin_page";

/** The column of Cloudflare's full page marked with `cf-error-source`. */
export type ErrorSource = "browser" | "cloudflare" | "host";

export interface PageVerdict {
  readonly rule: PageRule;
  /** Who answered with this status: Cloudflare's edge, or the origin (possibly relayed by Cloudflare). */
  readonly side: "edge" | "origin";
}

/** What the recognizer looks at: the status, two headers and the decoded body prefix. */
export interface PageInput {
  readonly status: number;
  readonly server: string | null;
  readonly cfRay: string | null;
  readonly body: string;
}

/** One start tag: its name, `id`, `class` and the text right after it (up to the next tag). */
interface Tag {
  readonly name: string;
  readonly id: string;
  readonly classes: readonly string[];
  readonly text: string;
}

const COLUMNS: Readonly<Record<string, ErrorSource>> = {
  "cf-browser-status": "browser",
  "cf-cloudflare-status": "cloudflare",
  "cf-host-status": "host",
};

const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function parseTag(source: string, text: string): Tag | undefined {
  const name = /^[a-zA-Z][\w:-]*/.exec(source)?.[0];
  if (!name) return undefined;
  let id = "";
  let classes: string[] = [];
  for (const m of source.slice(name.length).matchAll(ATTRIBUTE)) {
    const key = m[1]?.toLowerCase();
    const value = m[2] ?? m[3] ?? m[4] ?? "";
    if (key === "id") id = value.trim();
    else if (key === "class") classes = value.split(/\s+/).filter(Boolean);
  }
  return { name: name.toLowerCase(), id, classes, text: text.trim() };
}

/**
 * The start tags of an HTML prefix, in order. Comments and the insides of `<script>`/`<style>` are
 * skipped, so markup quoted in a script or commented out never counts. Linear: one pass of indexOf.
 */
export function startTags(html: string): Tag[] {
  const lower = html.toLowerCase();
  const tags: Tag[] = [];
  let i = html.indexOf("<");
  while (i !== -1 && i < html.length) {
    if (html.startsWith("<!--", i)) {
      const end = html.indexOf("-->", i + 4);
      if (end === -1) break;
      i = html.indexOf("<", end + 3);
      continue;
    }
    const close = html.indexOf(">", i + 1);
    if (close === -1) break;
    const next = html.indexOf("<", close + 1);
    const tag = parseTag(html.slice(i + 1, close), html.slice(close + 1, next === -1 ? html.length : next));
    if (tag) tags.push(tag);
    if (tag && (tag.name === "script" || tag.name === "style")) {
      const end = lower.indexOf(`</${tag.name}`, close + 1);
      const gt = end === -1 ? -1 : lower.indexOf(">", end);
      if (gt === -1) break;
      i = html.indexOf("<", gt + 1);
      continue;
    }
    i = next;
  }
  return tags;
}

const isCloudflareServer = (server: string | null): boolean => server !== null && /^\s*cloudflare(?:-nginx)?\s*$/i.test(server);

/** What Cloudflare's full page (`cf-wrapper` / `cf-error-details`) says about the error source, or undefined when it is no such page. */
function fullPage(tags: readonly Tag[]): { source: ErrorSource | undefined } | undefined {
  let page = false;
  let source: ErrorSource | undefined;
  for (const tag of tags) {
    if (tag.id === "cf-wrapper" || tag.id === "cf-error-details") page = true;
    const column = Object.hasOwn(COLUMNS, tag.id) ? COLUMNS[tag.id] : undefined;
    // The Cloudflare column wins if a page ever marks two: it is the one that says the edge failed.
    if (column && tag.classes.includes("cf-error-source") && source !== "cloudflare") source = column;
  }
  return page ? { source } : undefined;
}

/** nginx's own error page layout: `<title>502 Bad Gateway</title>` … `<hr><center>cloudflare</center>`. */
function shortPage(tags: readonly Tag[]): boolean {
  const titled = tags.some((t) => t.name === "title" && /^\d{3}\b/.test(t.text));
  return titled && tags.some((t, i) => t.name === "center" && /^cloudflare(?:-nginx)?$/i.test(t.text) && tags[i - 1]?.name === "hr");
}

/** The fields of Cloudflare's structured error that decide: who it blames, and its code as sent. */
interface StructuredError {
  readonly category: string;
  readonly code: string;
}

/**
 * Cloudflare's structured error in JSON, or in Markdown with YAML front matter, if the body is one
 * (`cloudflare_error: true`): read as data, so a code or a word in `type`, `detail` or the prose never counts.
 */
function structuredError(body: string): StructuredError | undefined {
  const text = body.trimStart();
  if (text.startsWith("{")) {
    try {
      const value: unknown = JSON.parse(text);
      if (!value || typeof value !== "object") return undefined;
      const v = value as { cloudflare_error?: unknown; error_category?: unknown; error_code?: unknown };
      return v.cloudflare_error === true ? { category: String(v.error_category ?? ""), code: String(v.error_code ?? "") } : undefined;
    } catch {
      return undefined; // cut off by the prefix, or not JSON at all
    }
  }
  const front = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(text)?.[1];
  if (front === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const line of front.split(/\r?\n/)) {
    const m = /^([a-z_]+):\s*"?([^"]*?)"?\s*$/.exec(line);
    if (m?.[1] && m[2] !== undefined) fields.set(m[1], m[2]);
  }
  return fields.get("cloudflare_error") === "true" ? { category: fields.get("error_category") ?? "", code: fields.get("error_code") ?? "" } : undefined;
}

/** Markup by its first character, not by Content-Type: Cloudflare's own text is text/plain, but an origin's label can say anything. */
const looksLikeHtml = (body: string): boolean => /^\s*</.test(body);

/**
 * Who answered a 500–504: Cloudflare's edge or the origin, decided from the page's structure and
 * the headers, with the rule that decided.
 */
export function recognize(input: PageInput): PageVerdict {
  const { body } = input;
  if (looksLikeHtml(body)) {
    const tags = startTags(body);
    const full = fullPage(tags);
    if (full) {
      if (full.source === "cloudflare") return { rule: "cf_page_source_cloudflare", side: "edge" };
      if (full.source === "host") return { rule: "cf_page_source_host", side: "origin" };
      const gateway = input.status === 502 || input.status === 504;
      return gateway ? { rule: "cf_page_unmarked_gateway", side: "origin" } : { rule: "cf_page_unmarked", side: "edge" };
    }
    if (shortPage(tags)) return { rule: "cf_short_page", side: "edge" };
  } else {
    const structured = structuredError(body);
    if (structured) {
      return structured.category === "cloudflare" ? { rule: "cf_structured_edge", side: "edge" } : { rule: "cf_structured_origin", side: "origin" };
    }
    if (/^error code: \d{3,4}\s*$/.test(body.trim()) && isCloudflareServer(input.server)) return { rule: "cf_error_code_text", side: "edge" };
  }
  if (isCloudflareServer(input.server) || input.cfRay !== null) return { rule: "cf_headers_only", side: "origin" };
  return { rule: "origin_page", side: "origin" };
}

/** Where a 530's 1xxx code was found: `structured` is the `error_code` field of Cloudflare's structured error. */
export type SubCodeForm = "span" | "title" | "structured" | "text";

/**
 * The 1xxx code of a 530 body: Cloudflare's HTML page (`<span class="cf-error-code">1033</span>`,
 * or the title `1033: Cloudflare Tunnel error`), its structured error's `error_code` (JSON or
 * Markdown), else the plain-text forms (which also catch a structured body cut off by the prefix).
 */
export function findSubCode(body: string): { code: number; form: SubCodeForm } | undefined {
  if (/^\s*</.test(body)) {
    const tags = startTags(body);
    for (const t of tags) {
      const m = t.classes.includes("cf-error-code") ? /^(1\d{3})$/.exec(t.text) : null;
      if (m) return { code: Number(m[1]), form: "span" };
    }
    for (const t of tags) {
      const m = t.name === "title" ? /(?:^|[\s|])(?:error\s+)?(1\d{3})(?::\s|\s*\||\s*$)/i.exec(t.text) : null;
      if (m) return { code: Number(m[1]), form: "title" };
    }
  }
  const structured = structuredError(body);
  if (structured && /^1\d{3}$/.test(structured.code)) return { code: Number(structured.code), form: "structured" };
  const code = parseSubCode(body);
  return code === undefined ? undefined : { code, form: "text" };
}
