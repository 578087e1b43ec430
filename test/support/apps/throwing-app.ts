/**
 * A Hono app that uses the middleware and whose handlers throw: the Worker's own fault, as a site
 * using `errorPages()` in its own app would have it. Bundled by test/integration/worker-fault.test.ts.
 */
import { Hono } from "hono";
import { errorPages } from "../../../src/site/error-pages";

const app = new Hono();
app.use(errorPages({ probe: false }));
app.get("/type-error", (c) => {
  const order = JSON.parse(c.req.query("order") ?? "null") as { items: string[] } | null;
  // A bug in the app: `order` may be null.
  return c.text(String((order as { items: string[] }).items.length));
});
app.get("/throw-string", () => {
  throw "plain string";
});
app.get("/ok", (c) => c.text("fine"));

export default app;
