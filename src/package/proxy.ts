/** `edge-error-pages/proxy`: forwarding to an upstream, streamed both ways, with a header timeout. */
export { proxy, fetchOrigin, originUrlFor, OriginFetchError, type ConnectCheck, type ProxyOptions } from "../site/proxy";
