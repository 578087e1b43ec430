/**
 * A tagged template that escapes every interpolated value unless it is already {@link Html}
 * built the same way, so a forgotten escape cannot happen in the dashboard.
 */
import { escapeHtml } from "../../core/html";

/** Markup that is safe to embed as is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false || value === true) return "";
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** `h\`<p>${text}</p>\``: strings and numbers escaped, nested `h` results kept, arrays joined. */
export function h(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}
