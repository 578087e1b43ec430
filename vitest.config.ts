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
    exclude: ["test/browser/**", "node_modules/**"],
    globalSetup: ["test/support/build.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each integration file runs its own workerd; two at a time suits a 2-core machine.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "workers", include: ["test/**/*.test.ts"], exclude: ["test/browser/**", "test/package/**", "node_modules/**"] } },
      // Packing, building and type-checking the example app takes both cores for a while: it runs
      // after the others, so it does not starve a load test (storm, burst) running beside it.
      // Not extending the root: it needs neither the Workers' global build nor the HTML plugin.
      { test: { name: "package", include: ["test/package/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 180_000, sequence: { groupOrder: 1 } } },
    ],
  },
});
