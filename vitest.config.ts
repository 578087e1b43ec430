import { defineConfig } from "vitest/config";

export default defineConfig({
  // Templates are imported as text, as wrangler's Text rule does for the real bundle.
  plugins: [
    {
      name: "html-as-text",
      transform: (code, id) => (id.endsWith(".html") ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined),
    },
  ],
  // Unit tests import the site Worker's entry, which exports the ledger's Durable Object class:
  // outside workerd, `cloudflare:workers` is a stand-in with just that base class.
  resolve: { alias: { "cloudflare:workers": new URL("./test/support/cloudflare-workers.ts", import.meta.url).pathname } },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "node_modules/**"],
    globalSetup: ["test/support/build.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each integration file runs its own workerd; two at a time suits a 2-core machine.
    maxWorkers: 2,
  },
});
