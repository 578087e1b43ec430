// @ts-check
/**
 * Screenshots of the error page for the docs: `node scripts/screenshots.mjs` writes PNGs into
 * docs/screenshots/ (or `--out <dir>`).
 *
 * Runs exactly what the browser tests run (test/browser/harness.ts, loaded through Vite's module
 * runner so it stays TypeScript): the wrangler-built Worker in workerd via Miniflare on
 * 127.0.0.1, the demo origins, and Debian's Chromium (/usr/bin/chromium) driven by playwright-core.
 * Nothing leaves loopback and no browser is downloaded.
 *
 * The Ray ID is fixed (a `cf-ray` request header) and the page's clock is paused, so the
 * countdown shows its first value; the times are when the script ran.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runnerImport } from "vite";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Keep each PNG under this size, so the README stays light. */
const MAX_BYTES = 300 * 1024;

/**
 * @typedef {object} Shot
 * @property {string} file
 * @property {string} path     Path through the Worker.
 * @property {"en" | "ko"} lang
 * @property {"desktop" | "phone"} width
 * @property {"light" | "dark"} scheme
 * @property {boolean} fullPage Desktop: the whole page (it is short enough); phone: the first screen.
 */

/** @type {Shot[]} */
const SHOTS = [
  { file: "522-en-desktop.png", path: "/status/522", lang: "en", width: "desktop", scheme: "light", fullPage: true },
  { file: "522-ko-phone.png", path: "/status/522", lang: "ko", width: "phone", scheme: "light", fullPage: false },
  { file: "525-en-desktop-dark.png", path: "/status/525", lang: "en", width: "desktop", scheme: "dark", fullPage: true },
  { file: "530-1016-ko-desktop.png", path: "/cf530/1016", lang: "ko", width: "desktop", scheme: "light", fullPage: true },
  { file: "502-branded-en-phone-dark.png", path: "/branded/502", lang: "en", width: "phone", scheme: "dark", fullPage: false },
];

const { values: args } = parseArgs({ options: { out: { type: "string", default: join(ROOT, "docs", "screenshots") } } });
const out = resolve(String(args.out));

/**
 * @param {string} file
 * @returns {Promise<any>}
 */
async function load(file) {
  const { module } = await runnerImport(join(ROOT, file), { root: ROOT, configFile: false, logLevel: "warn" });
  return module;
}

const chromium = await load("test/browser/chromium.ts");
const missing = chromium.chromiumMissing();
if (missing) {
  console.error(missing);
  process.exit(1);
}

const build = await load("test/support/build.ts");
build.default(); // wrangler deploy --dry-run, as the tests' globalSetup does
const h = await load("test/browser/harness.ts");

mkdirSync(out, { recursive: true });
const stack = await h.startStack();
let failed = false;
try {
  for (const shot of SHOTS) {
    const session = await h.Session.open(stack, {
      ...h.LOCALE[shot.lang],
      ...h.DEVICE[shot.width],
      colorScheme: shot.scheme,
      reducedMotion: "reduce",
      extraHTTPHeaders: { "cf-ray": h.FIXED_RAY },
    });
    try {
      const page = await session.newPage();
      // A paused clock: the countdown stays at its first value while the picture is taken.
      await page.clock.install();
      await page.clock.pauseAt(Date.now() + 1000);
      const { response } = await session.visit(shot.path, page);
      const file = join(out, shot.file);
      await page.screenshot({ path: file, fullPage: shot.fullPage, animations: "disabled" });
      const bytes = statSync(file).size;
      const problems = [...session.problems, ...session.outside.map((u) => `outside request: ${u}`)];
      const note = bytes > MAX_BYTES ? `  TOO LARGE (over ${MAX_BYTES / 1024} KB)` : "";
      console.log(`${relative(ROOT, file)}  ${response.status()}  ${(bytes / 1024).toFixed(0)} KB${note}`);
      for (const p of problems) console.log(`  problem: ${p}`);
      if (note || problems.length > 0) failed = true;
    } finally {
      await session.close();
    }
  }
} finally {
  await stack.close();
}
process.exit(failed ? 1 : 0);
