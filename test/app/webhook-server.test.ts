import { createHmac } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createWebhookServer, signatureMatches, type WebhookDelivery } from "../../src/app/webhook-server.js";
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

beforeAll(async () => {
  nock.enableNetConnect("127.0.0.1");
  const record =
    (level: Logged["level"]) =>
    (fields: Record<string, unknown>, message: string): void => {
      logged.push({ level, fields, message });
    };
  server = createWebhookServer({
    secret: SECRET,
    path: PATH,
    maxBytes: 64 * 1024,
    log: { info: record("info"), warn: record("warn"), error: record("error") },
    receive: (delivery) => {
      if (failWith) return Promise.reject(failWith);
      received.push(delivery);
      return Promise.resolve();
    },
  });
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
