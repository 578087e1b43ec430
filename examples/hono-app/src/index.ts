/**
 * An existing Hono app: its own routes, its own 4XX answers, and every other path forwarded to
 * the older upstream service it is replacing bit by bit. `errorPages()` is mounted in front of all of it, so a thrown error or a
 * failed upstream becomes the precise error page (or problem+json for API clients) and an
 * incident in KV, while every answer below 500 stays the app's own.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { errorPages } from "edge-error-pages";
import { proxy } from "edge-error-pages/proxy";

type Bindings = { INCIDENTS: KVNamespace; UPSTREAM_URL: string };

const app = new Hono<{ Bindings: Bindings }>();

// Created once, at start-up: options are validated here, never per request.
app.use(errorPages({ brand: "Example Shop", incidents: { binding: "INCIDENTS" } }));

app.get("/", (c) => c.text("Welcome to the example shop"));

app.get("/api/items/:id", (c) => {
  const id = c.req.param("id");
  if (!/^\d+$/.test(id)) return c.json({ error: "bad_id", detail: "an item id is a number" }, 400);
  if (id !== "1") return c.json({ error: "not_found", detail: `no item ${id}` }, 404);
  return c.json({ id: 1, name: "Teapot" });
});

app.get("/account", () => {
  // Hono's own way to answer with an error status: below 500, so it stays the app's answer.
  throw new HTTPException(401, { message: "sign in first" });
});

app.get("/report", () => {
  // A bug: the visitor gets the 500 page with a Ray ID; the message stays in the incident record.
  throw new Error("report generator failed: division by zero in totals");
});

// Everything else goes to the upstream, path and query kept. Its URL is read from env once per
// isolate, then the same proxy is reused.
let upstream: ReturnType<typeof proxy> | undefined;
app.all("*", (c, next) => (upstream ??= proxy({ originUrl: new URL(c.env.UPSTREAM_URL), timeoutMs: 10_000 }))(c, next));

export default app;
