import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";

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
  /**
   * Handles a verified delivery; GitHub is answered when it resolves, so it must only queue work. Without
   * it (a worker process), the webhook path answers 404: only the health and metrics routes are served.
   */
  receive?: (delivery: WebhookDelivery) => Promise<void>;
  log: ServerLog;
  /** The largest body read; GitHub caps payloads at 25 MB. */
  maxBytes?: number;
  /**
   * GET /readyz: whether the App can take work (its queue and store answer). Its `problem` is shown to
   * whoever can reach the port, so it must be a sentence of ours, never an error's text or a URL.
   * Without it, ready means up.
   */
  ready?: () => Promise<Readiness>;
  /** How long /readyz waits for `ready` before answering 503; default 2,000. */
  readyTimeoutMs?: number;
  /** GET /metrics: the Prometheus exposition. Without it, /metrics is 404. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** When set, /metrics answers only requests with `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /**
   * The App's pages (run pages, the dashboard, their assets): answers the request and resolves true, or
   * resolves false to leave it to the webhook routes.
   */
  web?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Called once per POST, when its answer is sent (or its connection ends first, as "error"). */
  onAck?: (outcome: AckOutcome, seconds: number) => void;
  /** Milliseconds, for `onAck`'s timing; default performance.now. */
  now?: () => number;
}

export interface Readiness {
  ok: boolean;
  problem?: string;
}

/** accepted: 2xx; refused: 4xx (bad signature, too large, not JSON, wrong path); error: 5xx or cut short. */
export type AckOutcome = "accepted" | "refused" | "error";

const MAX_BYTES = 25 * 1024 * 1024;
const READY_TIMEOUT_MS = 2_000;

/**
 * The App's HTTP server, in place of Probot's: a delivery's signature is checked here, before any other
 * code sees the body. Probot's middleware, on a bad signature, logged the whole unverified payload at
 * ERROR (twice): anyone could write text of their choosing into the logs, and the logs got every
 * comment of every forged delivery. Here a refused delivery is one line naming the delivery and event.
 */
export function createWebhookServer(options: WebhookServerOptions): Server {
  return createServer((req, res) => {
    if (req.method === "POST" && options.onAck) {
      timeAck(options.onAck, options.now ?? (() => performance.now()), options.log, res);
    }
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
  if (req.method === "GET") {
    if (path === "/ping") return answer(res, 200, "PONG"); // Probot's health check, kept for existing probes
    if (path === "/healthz") return answer(res, 200, "ok");
    if (path === "/readyz") return readiness(options, res);
    if (path === "/metrics") return serveMetrics(options, req, res);
  }
  if (path !== withoutTrailingSlash(options.path)) {
    if (options.web && (await options.web(req, res))) return;
    return discard(req, res, 404, "not found");
  }
  const receive = options.receive;
  if (!receive) return discard(req, res, 404, "this process is a worker: send webhooks to a serve process");
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
    await receive({ id, name, payload });
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

/** The delivery's outcome and time, once: 'close' follows the answer, or a connection cut before it. */
function timeAck(
  onAck: NonNullable<WebhookServerOptions["onAck"]>,
  now: () => number,
  log: ServerLog,
  res: ServerResponse,
): void {
  const start = now();
  res.once("close", () => {
    const outcome: AckOutcome = !res.writableFinished
      ? "error"
      : res.statusCode < 400
        ? "accepted"
        : res.statusCode < 500
          ? "refused"
          : "error";
    try {
      onAck(outcome, (now() - start) / 1000);
    } catch (err) {
      // An event handler's throw would end the process; a metric is not worth that.
      log.error({ error: errorLine(err) }, "recording a webhook's answer time failed");
    }
  });
}

/** 200 when `ready` says so within the timeout; otherwise 503 and one line saying why. */
async function readiness(options: WebhookServerOptions, res: ServerResponse): Promise<void> {
  if (!options.ready) return answer(res, 200, "ok");
  const ms = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  let state: Readiness | "timeout";
  try {
    state = await Promise.race([Promise.resolve().then(options.ready), timedOut]);
  } catch (err) {
    options.log.warn({ error: errorLine(err) }, "the readiness check failed");
    return answer(res, 503, "not ready: the readiness check failed (see the log)");
  } finally {
    clearTimeout(timer);
  }
  if (state === "timeout")
    return answer(res, 503, `not ready: no answer from the readiness check within ${ms} ms`);
  if (state.ok) return answer(res, 200, "ok");
  return answer(res, 503, state.problem ? `not ready: ${oneLine(state.problem)}` : "not ready");
}

/**
 * The Prometheus exposition. With a token, a request must carry it as a bearer token: both sides are
 * hashed first, so the comparison takes the same time whatever the length of what was sent.
 */
async function serveMetrics(
  options: WebhookServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!options.metrics) return answer(res, 404, "not found");
  if (options.metricsToken !== undefined && !bearerMatches(req, options.metricsToken)) {
    return answer(res, 401, "a bearer token is required", { "www-authenticate": 'Bearer realm="metrics"' });
  }
  let rendered: { contentType: string; body: string };
  try {
    rendered = await options.metrics();
  } catch (err) {
    options.log.error({ error: errorLine(err) }, "could not render the metrics");
    return answer(res, 500, "could not render the metrics");
  }
  res.writeHead(200, { "content-type": rendered.contentType }).end(rendered.body);
}

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const given = /^Bearer +(\S+) *$/i.exec(header(req, "authorization") ?? "")?.[1];
  if (given === undefined) return false;
  const digest = (text: string): Buffer => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
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

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 300);
}

function errorLine(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
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
