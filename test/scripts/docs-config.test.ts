/**
 * Every config example in the README and docs/ is checked by the same validation `npm run build`
 * runs (scripts/check-vars.ts, the Workers' own loaders): the `[vars]` of each TOML block, each var
 * table's default and stated range, and each inline `NAME=value`. A doc that recommends a value the
 * Worker would refuse fails here.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { experimental_readRawConfig } from "wrangler";
import { afterAll, describe, expect, it } from "vitest";
import { checkVars, varsRead, type WorkerKind } from "../../scripts/check-vars";

const ROOT = resolve(import.meta.dirname, "../..");
const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const READ: Record<WorkerKind, Set<string>> = { site: varsRead("site"), admin: varsRead("admin") };
const KINDS: readonly WorkerKind[] = ["site", "admin"];
const tmp = mkdtempSync(join(tmpdir(), "docs-config-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Example {
  readonly where: string;
  readonly vars: Record<string, unknown>;
  /** true: the values must be accepted; false: refused (a stated range's outside). */
  readonly valid: boolean;
}

/** What each Worker that reads a var says about it; a var neither reads is an error of the doc. */
function errorsOf(vars: Record<string, unknown>): string[] {
  const errors: string[] = [];
  for (const name of Object.keys(vars)) if (!KINDS.some((k) => READ[k].has(name))) errors.push(`${name} is read by neither Worker`);
  for (const kind of KINDS) {
    const mine = Object.fromEntries(Object.entries(vars).filter(([name]) => READ[kind].has(name)));
    if (Object.keys(mine).length > 0) errors.push(...checkVars(kind, mine).errors);
  }
  return errors;
}

/** The `[vars]` tables of a TOML block, parsed by wrangler's own reader. */
function tomlExamples(where: string, toml: string): Example[] {
  const file = join(tmp, `block-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(file, toml);
  const raw = experimental_readRawConfig({ config: file }).rawConfig as { vars?: Record<string, unknown>; env?: Record<string, { vars?: Record<string, unknown> }> };
  const tables = [raw.vars, ...Object.values(raw.env ?? {}).map((e) => e.vars)].filter((v): v is Record<string, unknown> => v !== undefined);
  return tables.map((vars) => ({ where, vars, valid: true }));
}

const cells = (row: string): string[] => row.replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((c) => c.trim());
const literal = (cell: string): string | undefined => /^`([^`]*)`$/.exec(cell)?.[1];

/** A var table's rows: the default must be accepted; a stated range's ends accepted, beyond them refused. */
function tableExamples(where: string, header: string[], rows: string[][]): Example[] {
  const col = (...names: string[]) => header.findIndex((h) => names.includes(h.toLowerCase()));
  const [nameCol, kindCol, defaultCol, rangeCol] = [0, col("kind"), col("default"), col("type", "range")];
  if (defaultCol === -1) return [];
  const out: Example[] = [];
  for (const row of rows) {
    const name = literal(row[nameCol] ?? "");
    if (!name || !/^[A-Z][A-Z0-9_]+$/.test(name) || (kindCol !== -1 && row[kindCol] !== "var")) continue;
    const at = `${where} (${name})`;
    const fallback = literal(row[defaultCol] ?? "");
    if (fallback !== undefined) out.push({ where: `${at} default`, vars: { [name]: fallback }, valid: true });
    const range = /(-?\d[\d,]*(?:\.\d+)?)\s*–\s*(-?\d[\d,]*(?:\.\d+)?)/.exec(row[rangeCol] ?? "");
    if (range) {
      const [min, max] = [Number(range[1]!.replace(/,/g, "")), Number(range[2]!.replace(/,/g, ""))];
      out.push({ where: `${at} range ${min}–${max}`, vars: { [name]: String(min) }, valid: true }, { where: `${at} range ${min}–${max}`, vars: { [name]: String(max) }, valid: true });
      out.push({ where: `${at} below ${min}`, vars: { [name]: String(min - 1) }, valid: false }, { where: `${at} above ${max}`, vars: { [name]: String(max + 1) }, valid: false });
    }
    // An enumeration (`en` \| `ko`): each choice is accepted; a boolean takes true and false.
    const type = row[rangeCol] ?? "";
    const choices = /^`[^`]+`(?:\s*\\\|\s*`[^`]+`)+$/.test(type) ? [...type.matchAll(/`([^`]+)`/g)].map((c) => c[1]!) : type === "boolean" ? ["true", "false"] : [];
    for (const choice of choices) out.push({ where: `${at} choice`, vars: { [name]: choice }, valid: true });
  }
  return out;
}

/** Inline `NAME=value`, `NAME = "value"` and `--var NAME:value` for the vars the Workers read. */
function inlineExamples(where: string, text: string): Example[] {
  const out: Example[] = [];
  const known = (name: string) => KINDS.some((k) => READ[k].has(name)) && name !== "ADMIN_TOKEN";
  for (const m of text.matchAll(/\b([A-Z][A-Z0-9_]{3,})(?:\s*=\s*"([^"\n]*)"|=([^\s`"'&;)]+)|:([^\s`"']+))/g)) {
    const name = m[1]!;
    if (known(name)) out.push({ where: `${where} inline`, vars: { [name]: m[2] ?? m[3] ?? m[4] }, valid: true });
  }
  return out;
}

/** Every example of a Markdown text. */
function examplesOf(file: string, text: string): Example[] {
  const out: Example[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s*```(\w*)/.exec(line);
    if (fence) {
      const start = i;
      const body: string[] = [];
      while (++i < lines.length && !/^\s*```/.test(lines[i]!)) body.push(lines[i]!.replace(/^ {3}/, ""));
      if (fence[1] === "toml") out.push(...tomlExamples(`${file}:${start + 1}`, body.join("\n")));
      else out.push(...inlineExamples(`${file}:${start + 1}`, body.join("\n")));
      continue;
    }
    if (line.startsWith("|") && lines[i + 1]?.startsWith("|---")) {
      const header = cells(line);
      const at = `${file}:${i + 1}`;
      const rows: string[][] = [];
      for (i += 2; i < lines.length && lines[i]!.startsWith("|"); i++) rows.push(cells(lines[i]!));
      out.push(...tableExamples(at, header, rows));
      i--;
      continue;
    }
    out.push(...inlineExamples(`${file}:${i + 1}`, line));
  }
  return out;
}

const examples = DOCS.flatMap((file) => examplesOf(file, readFileSync(join(ROOT, file), "utf8")));

describe("config examples in the docs", () => {
  it("are found: TOML [vars], var tables with defaults and ranges, inline values", () => {
    const names = new Set(examples.flatMap((e) => Object.keys(e.vars)));
    for (const name of ["ORIGIN_TIMEOUT_MS", "PROBE_TIMEOUT_MS", "DEFAULT_LOCALE", "INCIDENT_WINDOW_S", "INCIDENT_BUDGET", "STORE_QUERY", "ADMIN_PATH"]) expect(names).toContain(name);
    expect(examples.some((e) => e.where.includes("README.md") && Object.keys(e.vars).length > 3)).toBe(true); // the [vars] block
    expect(examples.filter((e) => !e.valid).length).toBeGreaterThan(10);
  });

  it.each(examples.filter((e) => e.valid).map((e) => [e.where, JSON.stringify(e.vars), e] as const))("%s: %s is accepted", (_where, _vars, e) => {
    expect(errorsOf(e.vars)).toEqual([]);
  });

  it.each(examples.filter((e) => !e.valid).map((e) => [e.where, JSON.stringify(e.vars), e] as const))("%s: %s is refused, as the range says", (_where, _vars, e) => {
    expect(errorsOf(e.vars)).not.toEqual([]);
  });

  it("the check catches a doc that drifts from the code", () => {
    const drifted = [
      "| Var | Default | Range | Effect |",
      "|---|---|---|---|",
      "| `INCIDENT_WINDOW_S` | `10` | 1–25 | window |",
      "",
      "Lower `INCIDENT_BUDGET=2` and raise `INCIDENT_WINDOW_S=25`.",
      "```toml",
      "[vars]",
      'PROBE_TIMEOUT_MS = "abc"',
      "```",
    ].join("\n");
    const found = examplesOf("drifted.md", drifted);
    const wrong = found.filter((e) => (errorsOf(e.vars).length === 0) !== e.valid).map((e) => `${e.where} ${JSON.stringify(e.vars)}`);
    expect(wrong).toEqual(['drifted.md:1 (INCIDENT_WINDOW_S) range 1–25 {"INCIDENT_WINDOW_S":"25"}', 'drifted.md:5 inline {"INCIDENT_WINDOW_S":"25"}', 'drifted.md:6 {"PROBE_TIMEOUT_MS":"abc"}']);
  });
});
