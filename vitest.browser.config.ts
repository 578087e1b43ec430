import { defineConfig } from "vitest/config";

/**
 * `npm run test:browser`: the error page in Debian's Chromium (playwright-core, no browser
 * download) against the wrangler-built Worker in workerd. See test/browser/harness.ts.
 */
export default defineConfig({
  // Templates are imported as text, as wrangler's Text rule does for the real bundle.
  plugins: [
    {
      name: "html-as-text",
      transform: (code, id) => (id.endsWith(".html") ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined),
    },
  ],
  test: {
    environment: "node",
    include: ["test/browser/**/*.test.ts"],
    // Chromium first: without it, fail at once with how to install it, before building anything.
    globalSetup: ["test/browser/chromium.ts", "test/support/build.ts"],
    // One Chromium and one workerd at a time: each file starts its own, and a 2-core machine is enough.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
