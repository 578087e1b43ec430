// @ts-check
/**
 * The HTML the scenario server answers with. Status pages are deliberately plain or imitate
 * Cloudflare's own, because the Worker decides what to do by what an origin body looks like.
 */
import { reasonOf } from "./reply.mjs";

/** @typedef {import("./scenarios.mjs").Scenario} Scenario */

/** @param {string} s */
const escapeHtml = (s) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** @param {number} status */
const statusTitle = (status) => `${status} ${escapeHtml(reasonOf(status))}`;

/**
 * @param {string} title
 * @param {string} main  Trusted HTML.
 */
function page(title, main) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
  h1 { font-size: 1.5rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e5e5ea; vertical-align: top; }
  th { font-weight: 600; }
  code { font-size: .9em; }
  small { color: #6e6e73; }
</style>
</head>
<body>
${main}
</body>
</html>
`;
}

/** @param {readonly Scenario[]} scenarios */
export function indexPage(scenarios) {
  const rows = scenarios.map(
    (s) =>
      `<tr><td><a href="${escapeHtml(s.path)}"><code>${escapeHtml(s.path)}</code></a></td>` +
      `<td>${escapeHtml(s.label)}</td><td>${escapeHtml(s.expect)}</td></tr>`,
  ).join("\n");
  return page(
    "Demo origin",
    `<h1>Demo origin</h1>
<p>Each path below makes this origin succeed or fail in one particular way. Open them through the Worker to see its error pages.</p>
<table>
<thead><tr><th>Path</th><th>The origin</th><th>Through the Worker</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p><small>Also: <code>/status/{code}</code>, <code>/branded/{code}</code>, <code>/json/{code}</code>, <code>/cf530/{sub}</code>,
<code>/cf-edge/{code}/{sub}</code>, <code>/retry-after/{code}/{seconds}</code>, <code>/slow-headers/{ms}</code>, <code>/stream/{mib}</code>, <code>/huge-error/{mib}</code>.</small></p>
`,
  );
}

export const okPage = () => page("OK", "<h1>OK</h1>\n<p>The origin is up and answered normally.</p>\n");

/** A plain origin error page: deliberately free of any CDN branding. @param {number} status */
export const statusPage = (status) =>
  `<!doctype html>\n<html><head><title>${statusTitle(status)}</title></head>\n` +
  `<body><h1>${statusTitle(status)}</h1><p>Served by the demo origin.</p></body></html>\n`;

/** A Cloudflare-branded error body, like the edge's own nginx pages. @param {number} status */
export const brandedPage = (status) =>
  `<html>\r\n<head><title>${statusTitle(status)}</title></head>\r\n<body>\r\n` +
  `<center><h1>${statusTitle(status)}</h1></center>\r\n<hr><center>cloudflare-nginx</center>\r\n` +
  `</body>\r\n</html>\r\n`;

