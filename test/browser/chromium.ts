/**
 * Debian's Chromium, as the browser tests and scripts/screenshots.mjs launch it. Nothing is ever
 * downloaded: playwright-core only drives the system browser.
 *
 * Also the browser tests' first vitest globalSetup: without Chromium they stop at once with a
 * plain message saying how to install it. Never a skip: a missing browser must not look like a pass.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";

/** Headless, and nothing that talks to the network by itself (QUIC, updates, sync, first-run). */
export const LAUNCH_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Why Chromium cannot be used, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return undefined;
  } catch {
    const ci = process.env.CI === "true" ? " (.ci/run installs it before this step: check its output)" : "";
    return (
      `Chromium is not installed at ${CHROMIUM}${ci}. The browser tests drive Debian's Chromium and never download a browser.\n` +
      `Install it with:  sudo apt-get install -y chromium   (as root: apt-get install -y chromium)\n` +
      `then run \`npm run test:browser\` again.`
    );
  }
}

/**
 * Why Hangul would render as empty boxes, or undefined when a Korean font is installed: the Korean
 * pages are measured (no overflow on a phone) and photographed, so the font must be real.
 */
export function koreanFontMissing(): string | undefined {
  let families = "";
  try {
    families = execFileSync("fc-list", [":lang=ko", "family"], { encoding: "utf8", timeout: 10_000 });
  } catch {
    // No fontconfig at all: Chromium would have no fonts either.
  }
  if (families.trim() !== "") return undefined;
  const ci = process.env.CI === "true" ? " (.ci/run installs it before this step: check its output)" : "";
  return (
    `No Korean font is installed${ci}: Chromium would draw Hangul as boxes, and the Korean pages could not be measured.\n` +
    `Install Debian's Noto CJK fonts with:  sudo apt-get install -y fonts-noto-cjk\n` +
    `then run \`npm run test:browser\` again.`
  );
}

export default function setup(): void {
  const missing = chromiumMissing() ?? koreanFontMissing();
  if (missing) throw new Error(missing);
}
