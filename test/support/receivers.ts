/**
 * Real alert receivers on loopback: a generic webhook that checks the HMAC signature the way
 * docs/alerts.md tells owners to, and Slack- and Discord-shaped endpoints that check their JSON.
 * Each can be told to answer 500 to its next N requests.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";

export type ReceiverName = "hook" | "slack" | "discord";

export interface Received {
  readonly path: ReceiverName;
  readonly headers: IncomingMessage["headers"];
  readonly raw: string;
  readonly body: Record<string, unknown>;
  /** What the receiver answered. */
  readonly status: number;
  /** For the webhook: whether the signature checked out. */
  readonly signed: boolean;
}

export interface Receivers {
  readonly base: string;
  readonly received: Received[];
  /** Answer 500 to the next `n` requests on `path`. */
  failNext(path: ReceiverName, n: number): void;
  /** Successful (2xx) requests on `path` whose body `event` is `event`. */
  accepted(path: ReceiverName, event?: string): Received[];
  close(): Promise<void>;
}

/** The verification the docs show: HMAC-SHA-256 of "<X-Timestamp>.<raw body>", compared in constant time. */
export function verifySignature(secret: string, headers: IncomingMessage["headers"], raw: string): boolean {
  const ts = String(headers["x-timestamp"] ?? "");
  const sig = String(headers["x-signature"] ?? "");
  if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const expected = `sha256=${createHmac("sha256", secret).update(`${ts}.${raw}`).digest("hex")}`;
  return sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
}

const eventOf = (r: Received): string | undefined => {
  if (r.path === "hook") return r.body.event as string;
  // Slack and Discord carry no `event` field: the test message's headline and the colour tell it.
  const text = r.path === "slack" ? String(r.body.text) : String((r.body.embeds as { title: string }[] | undefined)?.[0]?.title);
  if (/test alert/.test(text)) return "test";
  if (/outage started/.test(text)) return "opened";
  if (/rising fast/.test(text)) return "escalated";
  if (/resolved/.test(text)) return "resolved";
  return undefined;
};

function shapeOk(path: ReceiverName, body: Record<string, unknown>): boolean {
  if (path === "slack") return typeof body.text === "string";
  if (path === "discord") return Array.isArray(body.embeds) && typeof (body.embeds[0] as { title?: unknown })?.title === "string";
  return typeof body.event === "string" && typeof body.incident_id === "string";
}

export async function startReceivers(secret: string): Promise<Receivers> {
  const received: Received[] = [];
  const failing: Record<ReceiverName, number> = { hook: 0, slack: 0, discord: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const path = (req.url ?? "").slice(1) as ReceiverName;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // answered 400 below
      }
      const signed = path === "hook" && verifySignature(secret, req.headers, raw);
      let status = 200;
      if (!(path in failing) || req.method !== "POST") status = 404;
      else if (!shapeOk(path, body)) status = 400;
      else if (path === "hook" && !signed) status = 401;
      else if (failing[path] > 0) {
        failing[path]--;
        status = 500;
      }
      received.push({ path, headers: req.headers, raw, body, status, signed });
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return {
    base: `http://127.0.0.1:${address.port}`,
    received,
    failNext: (path, n) => void (failing[path] = n),
    accepted: (path, event) => received.filter((r) => r.path === path && r.status === 200 && (event === undefined || eventOf(r) === event)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
