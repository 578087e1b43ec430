// @ts-check
/**
 * Binding and closing servers on 127.0.0.1, and keeping count of their sockets so that close()
 * can end connections that would otherwise keep the process (or a test run) alive.
 */
import net from "node:net";

/** Every origin listens on, and every probe connects to, this address only. */
export const HOST = "127.0.0.1";

/**
 * @param {net.Server} server
 * @param {number} port  0 for an ephemeral port.
 * @returns {Promise<number>} the bound port
 */
export function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = /** @param {Error} err */ (err) => reject(err);
    server.once("error", onError);
    server.listen({ host: HOST, port, exclusive: true }, () => {
      server.off("error", onError);
      // Once listening, a late server error must not crash the process that embeds the origins.
      server.on("error", () => undefined);
      resolve(/** @type {net.AddressInfo} */ (server.address()).port);
    });
  });
}

/** @param {net.Server} server @returns {Promise<void>} */
export const closeServer = (server) =>
  new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

/**
 * Keeps `socket` in `sockets` while it is open. Its errors are ignored: resets and aborts are
 * what these origins exist to provoke.
 * @param {Set<net.Socket>} sockets
 * @param {net.Socket} socket
 */
export function track(sockets, socket) {
  sockets.add(socket);
  socket.on("error", () => undefined);
  socket.on("close", () => sockets.delete(socket));
}
