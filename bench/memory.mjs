// @ts-check
/**
 * Memory while a large body streams through a Worker: workerd's resident set size is sampled
 * every 10 ms (and its kernel high-water mark read at the end) while a client downloads the
 * body, optionally slowly, so a Worker that buffered bodies would show the body's size in RSS.
 */
import { memory, resetPeak } from "./proc.mjs";

/**
 * @typedef {object} StreamResult
 * @property {number} bytes        body bytes the client received
 * @property {number} seconds
 * @property {number} baseline     workerd RSS before the download, bytes
 * @property {number} peak         highest RSS seen during it (samples and VmHWM), bytes
 * @property {number} growth       peak − baseline, bytes
 * @property {number} after        RSS once the download finished
 */

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Downloads `url` and watches `pid`'s memory meanwhile.
 * @param {object} o
 * @param {string} o.url
 * @param {number} o.pid
 * @param {number} [o.bytesPerSecond]  read no faster than this (0: as fast as possible)
 * @param {number} [o.status]          the status expected (default 200)
 * @param {number} [o.timeoutMs]
 * @returns {Promise<StreamResult>}
 */
export async function streamThrough({ url, pid, bytesPerSecond = 0, status = 200, timeoutMs = 120_000 }) {
  await sleep(200); // let the previous phase's garbage settle
  const baseline = memory(pid).rss;
  const peakResettable = resetPeak(pid);
  let peak = baseline;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, memory(pid).rss);
    } catch {
      // workerd gone: reported by the caller
    }
  }, 10);
  const started = Date.now();
  let bytes = 0;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(url, { signal: controller.signal });
    if (res.status !== status || !res.body) throw new Error(`${url} answered ${res.status}, not ${status}`);
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytesPerSecond > 0) {
        const due = started + (bytes / bytesPerSecond) * 1000;
        const wait = due - Date.now();
        if (wait > 1) await sleep(wait);
      }
    }
  } finally {
    clearTimeout(timer);
    clearInterval(sampler);
  }
  const seconds = (Date.now() - started) / 1000;
  const end = memory(pid);
  if (peakResettable) peak = Math.max(peak, end.hwm);
  peak = Math.max(peak, end.rss);
  return { bytes, seconds, baseline, peak, growth: peak - baseline, after: end.rss };
}
