// @ts-check
/**
 * Starting and stopping every demo origin together, on 127.0.0.1.
 */
import net from "node:net";
import { serveConnection } from "./connection.mjs";
import { closeServer, HOST, listen } from "./loopback.mjs";
import { refusedPort, startBacklog, staysUnconnected } from "./ports.mjs";
import { SCENARIOS } from "./scenarios.mjs";
import { createTlsServer } from "./tls.mjs";
import { websocketAccept } from "./websocket.mjs";

export { SCENARIOS, staysUnconnected, websocketAccept };

/** @typedef {import("./scenarios.mjs").Scenario} Scenario */
/** @typedef {import("./connection.mjs").ConnContext} ConnContext */
/** @typedef {import("./ports.mjs").BacklogHolder} BacklogHolder */

/**
 * @typedef {object} StartOptions
 * @property {number} [port]   Scenario server port (default 0: ephemeral).
 * @property {boolean} [backlog] Start the full-backlog port (default true).
 * @property {boolean} [verifyBacklog] Check that a connect to it hangs for 1 s (default true).
 * @property {(msg: string) => void} [log] Where to report problems (default console.warn).
 */

/**
 * @typedef {object} Origins
 * @property {string} http        "http://127.0.0.1:PORT", the scenario server.
 * @property {number} port        The scenario server's port.
 * @property {number} refusedPort A port that refuses connections.
 * @property {number | null} backlogPort A port whose connects hang in SYN; null without python3.
 * @property {number} tlsPort     A TLS server with a self-signed certificate.
 * @property {() => Promise<void>} close Closes everything; idempotent.
 */

/**
 * Starts every origin on 127.0.0.1.
 * @param {StartOptions} [opts]
 * @returns {Promise<Origins>}
 */
export async function startOrigins(opts = {}) {
  const log = opts.log ?? ((msg) => console.warn(`[origin] ${msg}`));
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  let closing = false;
  const isClosing = () => closing;
  const scenario = net.createServer({ pauseOnConnect: false }, acceptor({ sockets, forcePath: undefined }, isClosing));
  // The TLS origin only has to get as far as a handshake; whatever it serves behind it will do.
  const secure = createTlsServer(acceptor({ sockets, forcePath: "/ok" }, isClosing), sockets);
  /** @type {BacklogHolder | null} */
  let backlog = null;

  const shutdown = async () => {
    closing = true;
    for (const s of sockets) s.destroy();
    sockets.clear();
    await Promise.all([closeServer(scenario), closeServer(secure), backlog?.close()]);
  };

  try {
    const port = await listen(scenario, opts.port ?? 0);
    const tlsPort = await listen(secure, 0);
    backlog = opts.backlog === false ? null : await startBacklog(log, opts.verifyBacklog !== false);
    const refused = await refusedPort();
    /** @type {Promise<void> | undefined} */
    let closed;
    return {
      http: `http://${HOST}:${port}`,
      port,
      refusedPort: refused,
      backlogPort: backlog?.port ?? null,
      tlsPort,
      close: () => (closed ??= shutdown()),
    };
  } catch (err) {
    await shutdown();
    throw err;
  }
}

/**
 * A connection handler that drops connections arriving once shutdown has begun: served, they
 * would hold the server open and keep close() from resolving.
 * @param {ConnContext} ctx
 * @param {() => boolean} closing
 * @returns {(socket: net.Socket) => void}
 */
function acceptor(ctx, closing) {
  return (socket) => {
    if (closing()) return void socket.destroy();
    serveConnection(socket, ctx);
  };
}
