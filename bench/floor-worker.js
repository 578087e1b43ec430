/**
 * The floor: the least any Worker doing this product's job must do, with none of the product's
 * own logic. Healthy answers pass through with a bounded wait for the origin's headers (an
 * race with a timer, as a header timeout needs); a 5XX has the first 8 KiB of its body
 * read as evidence within a time limit, and is answered with one fixed, pre-encoded error page
 * (PAGE: this Worker's own page, fetched by the bench) with the same headers. No classification,
 * no language, no Ray ID, no incident log. Run next to the bare Worker, it shows how much of the
 * gap between the bare Worker and this one is the job itself and how much is this product's code.
 * The header timeout is the cheapest one known to work in workerd, the same as this Worker's: a
 * race with a timer that is never cleared (the runtime drops it when the request ends), no
 * AbortSignal on the fetch.
 */
const PREFIX_BYTES = 8192;
const TIMED_OUT = Symbol("timeout");
let page;

async function readPrefix(body) {
  const reader = body.getReader();
  setTimeout(() => void reader.cancel().catch(() => undefined), 1500); // not cleared, as this Worker's
  let size = 0;
  try {
    while (size < PREFIX_BYTES) {
      const next = await reader.read();
      if (next.done) break;
      size += next.value.byteLength;
    }
  } catch {
    // evidence so far is enough
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const target = new URL(url.pathname + url.search, env.ORIGIN_URL);
    const deadline = new Promise((resolve) => setTimeout(resolve, 100_000, TIMED_OUT));
    const res = await Promise.race([fetch(target, { method: request.method, headers: request.headers, body: request.body, redirect: "manual" }), deadline]);
    if (res === TIMED_OUT) return new Response("timeout", { status: 524 });
    if (res.status < 500) return res;
    if (res.body) await readPrefix(res.body);
    page ??= { bytes: new TextEncoder().encode(env.PAGE), headers: JSON.parse(env.PAGE_HEADERS) };
    return new Response(page.bytes, { status: res.status, headers: page.headers });
  },
};
