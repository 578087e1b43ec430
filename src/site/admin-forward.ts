/**
 * The site Worker's whole share of the owner side: requests under ADMIN_PATH go, untouched, to
 * the admin Worker through the ADMIN service binding. Nothing from src/admin/ is imported here,
 * so the Worker every visitor reaches does not carry the dashboard.
 */
import type { Context } from "hono";

/** Owner-facing, like the admin Worker's own answers: never cached, never indexed. */
const PRIVATE = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" } as const;

/**
 * Forwards the request to the admin Worker and returns its answer as is. Register it before
 * errorPages: the owner's requests must never reach the origin or be recorded as incidents.
 */
export async function forwardToAdmin(c: Context<{ Bindings: Env }>): Promise<Response> {
  try {
    return await c.env.ADMIN.fetch(c.req.raw);
  } catch (err) {
    // The owner asked, not a visitor: a JSON answer that says where to look, not an error page.
    console.error(JSON.stringify({ msg: "admin Worker unavailable", error: String(err) }));
    return c.json(
      { error: "admin_unavailable", detail: "the admin Worker (service binding ADMIN) did not answer: see this Worker's logs, and check that edge-error-pages-admin is deployed" },
      502,
      PRIVATE,
    );
  }
}
