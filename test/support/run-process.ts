/**
 * A command run as a real child process, the way the owner runs it: stdout and stderr collected
 * whole (decoded as UTF-8 once the process is done, so a character split between chunks stays
 * whole and the bytes can be checked exactly), the exit code, and a kill after a time limit so a
 * hanging command fails its test instead of stalling the run.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ProcessOptions {
  readonly cwd?: string;
  /** The child's whole environment. Default: this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** SIGKILL after this long, in ms. Default 30000. */
  readonly killAfterMs?: number;
}

export function runProcess(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessRun> {
  return new Promise((done, fail) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs ?? 30_000);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

/** scripts/incidents.mjs (what `npm run incidents` runs). */
export const INCIDENTS_CLI = resolve(import.meta.dirname, "../../scripts/incidents.mjs");

/**
 * `npm run incidents -- <args>` as a process of this Node, with `env` added to this process's
 * environment. EDGE_ERRORS_TOKEN is taken out first: a token in the shell that runs the tests
 * must not stand in for the one a test passes (or leaves out on purpose).
 */
export function runIncidents(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ProcessRun> {
  const { EDGE_ERRORS_TOKEN: _, ...inherited } = process.env;
  return runProcess(process.execPath, [INCIDENTS_CLI, ...args], { env: { ...inherited, ...env } });
}
