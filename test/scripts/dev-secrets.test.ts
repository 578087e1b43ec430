/**
 * `npm start`'s local secrets: a random admin token ends up in `.dev.vars` without ever overwriting
 * a token the developer chose, and the site Worker gets the developer's other local vars, never the token.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { prepareLocalSecrets } from "../../scripts/dev-secrets.mjs";

const roots: string[] = [];
function root(devVars?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "dev-secrets-"));
  roots.push(dir);
  if (devVars !== undefined) writeFileSync(join(dir, ".dev.vars"), devVars);
  return dir;
}
afterEach(() => {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What a generated token looks like: random, long enough for the admin Worker, never the old public one. */
const GENERATED = /^local-[A-Za-z0-9_-]{32}$/;

describe("prepareLocalSecrets", () => {
  it("without .dev.vars: writes one with a new random token, readable by the owner only, and says where", () => {
    const dir = root();
    const s = prepareLocalSecrets(dir);
    expect(s.token).toMatch(GENERATED);
    expect(s.token).not.toBe("dev-token-local-only");
    expect(s.note).toContain(join(dir, ".dev.vars"));
    expect(s.note).not.toContain(s.token);
    expect(readFileSync(join(dir, ".dev.vars"), "utf8")).toMatch(new RegExp(`^ADMIN_TOKEN=${s.token}$`, "m"));
    expect(statSync(join(dir, ".dev.vars")).mode & 0o077).toBe(0);
    expect(readFileSync(s.siteEnvFile, "utf8")).not.toContain("ADMIN_TOKEN");
  });

  it("every checkout gets its own token, and keeps it on the next start", () => {
    const a = root();
    const b = root();
    const first = prepareLocalSecrets(a).token;
    expect(prepareLocalSecrets(b).token).not.toBe(first);
    expect(prepareLocalSecrets(a)).toMatchObject({ token: first, note: null });
  });

  it("keeps a token the developer set, quoted or not, and changes nothing", () => {
    for (const line of ["ADMIN_TOKEN=my-own-local-token-123", 'ADMIN_TOKEN="my-own-local-token-123"', "export ADMIN_TOKEN = 'my-own-local-token-123'"]) {
      const text = `OTHER=1\n${line}\n`;
      const dir = root(text);
      const s = prepareLocalSecrets(dir);
      expect(s).toMatchObject({ token: "my-own-local-token-123", note: null });
      expect(readFileSync(join(dir, ".dev.vars"), "utf8")).toBe(text);
    }
  });

  it("adds a random token to a .dev.vars without one, keeping what is there", () => {
    const dir = root("OTHER=1");
    const s = prepareLocalSecrets(dir);
    expect(s.token).toMatch(GENERATED);
    const text = readFileSync(join(dir, ".dev.vars"), "utf8");
    expect(text.startsWith("OTHER=1\n")).toBe(true);
    expect(text).toMatch(new RegExp(`^ADMIN_TOKEN=${s.token}$`, "m"));
  });

  it("gives the site Worker every other var of .dev.vars, and never the token", () => {
    const dir = root('BRAND="Shop"\nexport ADMIN_TOKEN=my-own-local-token-123\nDEFAULT_LOCALE=ko\n');
    const site = readFileSync(prepareLocalSecrets(dir).siteEnvFile, "utf8");
    expect(site).toMatch(/^BRAND="Shop"$/m);
    expect(site).toMatch(/^DEFAULT_LOCALE=ko$/m);
    expect(site).not.toContain("ADMIN_TOKEN");
    expect(site).not.toContain("my-own-local-token-123");
  });

  it("keeps the token it adds out of the site Worker's file too", () => {
    const dir = root("BRAND=Shop\n");
    const added = prepareLocalSecrets(dir);
    const site = readFileSync(added.siteEnvFile, "utf8");
    expect(site).toMatch(/^BRAND=Shop$/m);
    expect(site).not.toContain(added.token);
    expect(prepareLocalSecrets(dir).token).toBe(added.token);
    expect(readFileSync(prepareLocalSecrets(dir).siteEnvFile, "utf8")).not.toContain(added.token);
  });
});
