// @ts-check
/**
 * `node demo/origin.mjs`: every origin on 127.0.0.1 until Ctrl-C, the scenario server on
 * $ORIGIN_PORT (default 8788).
 */
import { startOrigins } from "./index.mjs";
import { HOST } from "./loopback.mjs";

/** @typedef {import("./index.mjs").Origins} Origins */

/** @param {string} script  The entry point's path, for the banner. */
export async function runCli(script) {
  const port = portFromEnv();
  const origins = await start(port);
  printBanner(script, origins);
  stopOnSignal(origins);
}

function portFromEnv() {
  const port = Number(process.env.ORIGIN_PORT ?? 8788);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`ORIGIN_PORT must be a port number, got ${JSON.stringify(process.env.ORIGIN_PORT)}`);
    process.exit(2);
  }
  return port;
}

/** @param {number} port @returns {Promise<Origins>} */
async function start(port) {
  try {
    return await startOrigins({ port });
  } catch (err) {
    const e = /** @type {NodeJS.ErrnoException} */ (err);
    console.error(e.code === "EADDRINUSE" ? `Port ${port} is taken: set ORIGIN_PORT to another port.` : `Could not start: ${e.message}`);
    process.exit(1);
  }
}

/** @param {string} script @param {Origins} origins */
function printBanner(script, origins) {
  console.log(`Demo origins (${script}):`);
  console.log(`  scenarios        ${origins.http}/`);
  console.log(`  refused          http://${HOST}:${origins.refusedPort}`);
  console.log(`  tls (self-signed) https://${HOST}:${origins.tlsPort}`);
  console.log(`  tls against plain https://${HOST}:${origins.port}`);
  console.log(`  connect timeout  ${origins.backlogPort === null ? "unavailable (no python3)" : `http://${HOST}:${origins.backlogPort}`}`);
  console.log("Ctrl-C to stop.");
}

/** @param {Origins} origins */
function stopOnSignal(origins) {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    origins.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
