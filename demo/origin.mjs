// @ts-check
/**
 * Demo and test origins for edge-error-pages: one loopback server per failure the Worker handles.
 *
 *   - a raw TCP "scenario" server that speaks just enough HTTP/1.1 to answer by path, and can
 *     also misbehave (garbage, empty replies, resets, hangs, truncated bodies, huge bodies);
 *   - a refused port (bound, noted, closed again);
 *   - a TLS server with a self-signed certificate (the "invalid certificate" case);
 *   - a port whose accept queue is full, so connects hang in SYN (the "connect timeout" case),
 *     held by a tiny python3 child because Node cannot listen without accepting.
 *
 * Everything listens on and connects to 127.0.0.1 only. No dependencies beyond node: built-ins.
 * The code lives in demo/origin/; this file stays as the import path tests and scripts use.
 *
 * Run directly for the demo: `node demo/origin.mjs` (scenario server on $ORIGIN_PORT or 8788).
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { runCli } from "./origin/cli.mjs";

export { SCENARIOS, startOrigins, staysUnconnected, websocketAccept } from "./origin/index.mjs";

/** @typedef {import("./origin/index.mjs").Origins} Origins */
/** @typedef {import("./origin/index.mjs").StartOptions} StartOptions */
/** @typedef {import("./origin/index.mjs").Scenario} Scenario */

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;

if (isMain) await runCli(fileURLToPath(import.meta.url));
