// @ts-check
/**
 * The bench's origin, in a process of its own so that its CPU time is measured apart and the
 * bench's own work never runs on its event loop. It starts demo/origin.mjs's scenario server on
 * 127.0.0.1, prints `{"http":…,"port":…}` on one line, and exits when its stdin closes (the
 * bench is done or gone) or after the lifetime given as argv[2] in seconds, whichever is first.
 */
import { startOrigins } from "../demo/origin.mjs";

const lifetimeS = Number(process.argv[2] ?? 1800);
const origins = await startOrigins({ backlog: false, log: (msg) => console.error(`[origin] ${msg}`) });
let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  origins.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
};
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setTimeout(stop, lifetimeS * 1000).unref();
process.stdout.write(`${JSON.stringify({ http: origins.http, port: origins.port })}\n`);
