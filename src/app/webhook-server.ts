import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface WebhookDelivery {
  /** X-GitHub-Delivery. */
  id: string;
  /** X-GitHub-Event. */
  name: string;
  payload: unknown;
}

/** Pino's shape (fields first), so Probot's logger fits as it is. */
export interface ServerLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface WebhookServerOptions {
  /** WEBHOOK_SECRET: what GitHub signs each delivery's body with. */
  secret: string;
  /** Where deliveries are posted (WEBHOOK_PATH). */
  path: string;
  /** Handles a verified delivery; GitHub is answered when it resolves, so it must only queue work. */
  receive(delivery: WebhookDelivery): Promise<void>;
  log: ServerLog;
  /** The largest body read; GitHub caps payloads at 25 MB. */
  maxBytes?: number;
}

const MAX_BYTES = 25 * 1024 * 1024;

/**
 * The App's HTTP server, in place of Probot's: a delivery's signature is checked here, before any other
 * code sees the body. Probot's middleware, on a bad signature, logged the whole unverified payload at
 * ERROR (twice): anyone could write text of their choosing into the logs, and the logs got every
 * comment of every forged delivery. Here a refused delivery is one line naming the delivery and event.
 */
export function createWebhookServer(options: WebhookServerOptions): Server {
  return createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      // Not reachable with a well-behaved `receive`; still, one line and no payload.
      options.log.error({ error: errorLine(err) }, "webhook server failed on a request");
      if (!res.headersSent) answer(res, 500, "internal error");
    });
  });
}

async function handle(
  options: WebhookServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = withoutTrailingSlash((req.url ?? "/").split("?")[0]!);
  if (req.method === "GET" && path === "/ping") return answer(res, 200, "PONG"); // health checks
  if (path !== withoutTrailingSlash(options.path)) return discard(req, res, 404, "not found");
  if (req.method !== "POST") return discard(req, res, 405, "webhooks are POSTed", { allow: "POST" });

  const name = header(req, "x-github-event");
  const id = header(req, "x-github-delivery");
  const signature = header(req, "x-hub-signature-256");
  if (name === undefined || id === undefined) {
    return discard(req, res, 400, "not a GitHub webhook delivery (no X-GitHub-Event or X-GitHub-Delivery)");
  }
  // Header values are unverified too: only a short, printable form of them is logged.
  const fields = { delivery: printable(id), event: printable(name) };
  if (signature === undefined) {
    options.log.warn(fields, "refused a webhook delivery with no signature (X-Hub-Signature-256)");
    return discard(req, res, 401, "signature missing");
  }

  const body = await readBody(req, options.maxBytes ?? MAX_BYTES);
  if (body === undefined) {
    options.log.warn(fields, "refused a webhook delivery larger than GitHub ever sends");
    return answer(res, 413, "payload too large");
  }
  if (!signatureMatches(options.secret, body, signature)) {
    options.log.warn(
      fields,
      "refused a webhook delivery whose signature does not match WEBHOOK_SECRET (if GitHub sent it, the App's webhook secret differs from WEBHOOK_SECRET)",
    );
    return answer(res, 401, "signature does not match");
  }

  let payload: unknown;
  try {
    payload = JSON.parse(body.toString("utf8"));
  } catch {
    options.log.warn(
      fields,
      "refused a signed webhook delivery that is not JSON (set the content type to JSON)",
    );
    return answer(res, 400, "payload is not JSON");
  }
  try {
    await options.receive({ id, name, payload });
  } catch (err) {
    // Probot's errors carry the event; only their message is logged.
    options.log.error(
      { ...fields, error: errorLine(err) },
      `could not take webhook delivery ${fields.delivery}`,
    );
    return answer(res, 500, "could not handle the delivery");
  }
  answer(res, 200, "ok");
}

/** GitHub's X-Hub-Signature-256: `sha256=` and the hex HMAC-SHA256 of the raw body, compared in constant time. */
export function signatureMatches(secret: string, body: Buffer, signature: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** As @octokit/webhooks matches paths: `/api/github/webhooks/` is `/api/github/webhooks`. */
function withoutTrailingSlash(path: string): string {
  return path.replace(/(?<=.)\/+$/, "");
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function printable(value: string): string {
  return value.replace(/[^\w.:-]/g, "?").slice(0, 64);
}

function errorLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").slice(0, 300);
}

/** The body, or undefined once it passes `max` bytes (the rest is not read). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.off("data", onData);
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function answer(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers }).end(`${text}\n`);
}

/** Answers without reading the body, which is drained unread. */
function discard(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  req.resume();
  answer(res, status, text, headers);
}
