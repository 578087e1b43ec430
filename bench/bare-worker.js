/**
 * The bare pass-through Worker: the physical limit for any Worker in front of an origin. It
 * forwards the request (method, headers, body) to ORIGIN_URL with the same path and query and
 * returns the origin's response as it is: no redirects followed, no body read, no status
 * touched. The bench runs it in the same workerd, with the same compatibility date, as the real
 * Worker, so the only difference between the two is the product's own code.
 */
export default {
  fetch(request, env) {
    const url = new URL(request.url);
    const target = new URL(url.pathname + url.search, env.ORIGIN_URL);
    return fetch(target, { method: request.method, headers: request.headers, body: request.body, redirect: "manual" });
  },
};
