/**
 * axe-core on every case, both languages, desktop in light mode and phone in dark mode: no
 * serious or critical violations (colour contrast in both schemes included).
 *
 * axe is injected with `page.addScriptTag({ content })`, an inline script. The page's CSP only
 * admits its own script by hash, so Chromium would refuse axe: these contexts alone use
 * `bypassCSP: true`. Nothing is lost by that: the CSP itself is checked in pages.test.ts and
 * behaviour.test.ts, which never bypass it and fail on any violation.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { CASES, DEVICE, LANGS, LOCALE, Session, useStack } from "./harness";

const AXE = readFileSync(resolve(import.meta.dirname, "../../node_modules/axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

async function axe(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe.run;
    const result = await run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? ""}`),
    }));
  });
}

const serious = (vs: Violation[]) => vs.filter((v) => v.impact === "serious" || v.impact === "critical");

const suite = useStack();

const VARIANTS = [
  { name: "desktop, light", options: { ...DEVICE.desktop, colorScheme: "light" as const } },
  { name: "phone, dark", options: { ...DEVICE.phone, colorScheme: "dark" as const } },
];

describe.each(LANGS)("axe (%s)", (lang) => {
  it.each(VARIANTS)("$name: no serious or critical violations on any case", async ({ options }) => {
    const s = await Session.open(suite.stack, { ...LOCALE[lang], ...options, bypassCSP: true });
    suite.sessions.push(s);
    const found: Record<string, Violation[]> = {};
    for (const c of CASES) {
      const { page, response } = await s.visit(c.path);
      expect(response.status()).toBe(c.code);
      const bad = serious(await axe(page));
      if (bad.length > 0) found[c.id] = bad;
      await page.close();
    }
    expect(found).toEqual({});
  });
});

it("axe does find a planted critical violation (the check is not vacuous)", async () => {
  const s = await Session.open(suite.stack, { ...LOCALE.en, ...DEVICE.desktop, bypassCSP: true });
  suite.sessions.push(s);
  const { page } = await s.visit("/status/502");
  await page.evaluate(() => document.querySelector("main")?.insertAdjacentHTML("beforeend", "<button></button>"));
  expect(serious(await axe(page)).map((v) => v.id)).toContain("button-name");
});
