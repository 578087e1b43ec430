/**
 * A tiny logic-less template language, compiled once per template:
 * `{{name}}` escaped, `{{{name}}}` raw (only for fragments the renderer built from escaped
 * text), `{{#name}}…{{/name}}` when set, `{{^name}}…{{/name}}` when empty or "false".
 */

import { escapeHtml } from "../../core/html";

export { escapeHtml } from "../../core/html";

export type TemplateValues = Readonly<Record<string, string | undefined>>;

type Part =
  /** `b`: the same text as UTF-8, once the template is encoded for rendering into bytes. */
  | { readonly t: "text"; readonly s: string; readonly b?: Uint8Array }
  | { readonly t: "value"; readonly name: string; readonly raw: boolean }
  | { readonly t: "section"; readonly name: string; readonly inverted: boolean; readonly body: readonly Part[] };

export interface CompiledTemplate {
  readonly parts: readonly Part[];
  /** Every inline `<script>` and `<style>` body, for CSP hashes: they must not contain placeholders. */
  readonly scripts: readonly string[];
  readonly styles: readonly string[];
}

export class TemplateError extends Error {
  override readonly name = "TemplateError";
}

const TOKEN = /\{\{\{\s*([\w.]+)\s*\}\}\}|\{\{\s*([#^/]?)\s*([\w.]+)\s*\}\}/g;

function parse(source: string): Part[] {
  const root: Part[] = [];
  const stack: { name: string; inverted: boolean; body: Part[] }[] = [];
  let body = root;
  let last = 0;
  for (const m of source.matchAll(TOKEN)) {
    if (m.index > last) body.push({ t: "text", s: source.slice(last, m.index) });
    last = m.index + m[0].length;
    const [, rawName, sigil, name = ""] = m;
    if (rawName !== undefined) body.push({ t: "value", name: rawName, raw: true });
    else if (sigil === "#" || sigil === "^") {
      const section = { name, inverted: sigil === "^", body: [] as Part[] };
      stack.push(section);
      body.push({ t: "section", ...section });
      body = section.body;
    } else if (sigil === "/") {
      const open = stack.pop();
      if (open?.name !== name) throw new TemplateError(`template: {{/${name}}} closes ${open ? `{{#${open.name}}}` : "nothing"}`);
      body = stack.at(-1)?.body ?? root;
    } else body.push({ t: "value", name, raw: false });
  }
  if (stack.length > 0) throw new TemplateError(`template: {{#${stack.at(-1)?.name}}} is never closed`);
  if (last < source.length) body.push({ t: "text", s: source.slice(last) });
  return root;
}

function inlineBlocks(source: string, tag: "script" | "style"): string[] {
  const blocks: string[] = [];
  for (const m of source.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, "gi"))) {
    const body = m[1] ?? "";
    if (/\{\{/.test(body)) throw new TemplateError(`template: placeholders inside <${tag}> would break its CSP hash`);
    blocks.push(body);
  }
  return blocks;
}

export function compile(source: string): CompiledTemplate {
  return { parts: parse(source), scripts: inlineBlocks(source, "script"), styles: inlineBlocks(source, "style") };
}

const isSet = (v: string | undefined): boolean => v !== undefined && v !== "" && v !== "false";

/** Own values only: `{{constructor}}` or `{{toString}}` in a template must not reach Object.prototype. */
const valueOf = (values: TemplateValues, name: string): string | undefined => (Object.hasOwn(values, name) ? values[name] : undefined);

/** The one walk over a template: text as it is stored (bytes once encoded), values escaped. */
function collect(parts: readonly Part[], values: TemplateValues, out: (string | Uint8Array)[]): void {
  for (const part of parts) {
    switch (part.t) {
      case "text":
        out.push(part.b ?? part.s);
        break;
      case "value": {
        const v = valueOf(values, part.name) ?? "";
        out.push(part.raw ? v : escapeHtml(v));
        break;
      }
      case "section":
        if (isSet(valueOf(values, part.name)) !== part.inverted) collect(part.body, values, out);
        break;
    }
  }
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function render(template: CompiledTemplate, values: TemplateValues): string {
  const out: (string | Uint8Array)[] = [];
  collect(template.parts, values, out);
  return out.map((c) => (typeof c === "string" ? c : utf8Decoder.decode(c))).join("");
}

function specializeParts(parts: readonly Part[], fixed: TemplateValues, out: Part[]): void {
  for (const part of parts) {
    const known = part.t !== "text" && Object.hasOwn(fixed, part.name) && fixed[part.name] !== undefined;
    if (part.t === "text") pushText(out, part.s);
    else if (part.t === "value") {
      if (known) pushText(out, part.raw ? (fixed[part.name] as string) : escapeHtml(fixed[part.name] as string));
      else out.push(part);
    } else if (known) {
      if (isSet(fixed[part.name]) !== part.inverted) specializeParts(part.body, fixed, out);
    } else {
      const body: Part[] = [];
      specializeParts(part.body, fixed, body);
      out.push({ t: "section", name: part.name, inverted: part.inverted, body });
    }
  }
}

function pushText(out: Part[], s: string): void {
  const last = out.at(-1);
  if (last?.t === "text") out[out.length - 1] = { t: "text", s: last.s + s };
  else if (s !== "") out.push({ t: "text", s });
}

/**
 * Renders ahead of time what `fixed` already decides (its values become text, its sections are
 * kept or dropped), so that later renders only do the rest:
 * `render(specialize(t, fixed), rest)` equals `render(t, { ...fixed, ...rest })` whenever `rest`
 * sets none of `fixed`'s names. The page uses it once per language for the labels.
 */
export function specialize(template: CompiledTemplate, fixed: TemplateValues): CompiledTemplate {
  const parts: Part[] = [];
  specializeParts(template.parts, fixed, parts);
  return { parts, scripts: template.scripts, styles: template.styles };
}

/**
 * The template with its fixed text also kept as UTF-8: `renderBytes` then encodes only the values
 * it fills in (a few hundred bytes) instead of converting the whole page (≈ 11 KB, a two-byte
 * string once it holds “…” or Hangul) when the Response is built.
 */
export function encodeTemplate(template: CompiledTemplate): CompiledTemplate {
  const encode = (parts: readonly Part[]): Part[] =>
    parts.map((part) => (part.t === "text" ? { ...part, b: utf8.encode(part.s) } : part.t === "section" ? { ...part, body: encode(part.body) } : part));
  return { ...template, parts: encode(template.parts) };
}

/** Writes `s` at `at`: ASCII directly, anything else through the encoder (same bytes as `TextEncoder`). */
function writeString(s: string, out: Uint8Array, at: number): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (ch > 0x7f) return i + utf8.encodeInto(i === 0 ? s : s.slice(i), out.subarray(at + i)).written;
    out[at + i] = ch;
  }
  return n;
}

/** `render` into UTF-8 bytes: the same bytes as `utf8.encode(render(t, values))`. */
export function renderBytes(template: CompiledTemplate, values: TemplateValues): Uint8Array {
  const chunks: (string | Uint8Array)[] = [];
  collect(template.parts, values, chunks);
  // A UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair: 4 for 2), so this is an upper bound.
  let max = 0;
  for (const c of chunks) max += typeof c === "string" ? c.length * 3 : c.length;
  const out = new Uint8Array(max);
  let at = 0;
  for (const chunk of chunks) {
    if (typeof chunk === "string") at += writeString(chunk, out, at);
    else {
      out.set(chunk, at);
      at += chunk.length;
    }
  }
  return at === out.length ? out : out.subarray(0, at);
}
