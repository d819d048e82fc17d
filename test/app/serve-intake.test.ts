import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAppEnv } from "../../src/app/read-app-env.js";
import { startApp, type RunningApp } from "../../src/app/start-app.js";
import { openQueue, QUEUE_DEFAULTS } from "../../src/runs/queue/open-queue.js";
import type { DurableQueue } from "../../src/runs/queue/durable-queue.js";
import { quietLog, redisQueueAt, until } from "../runs/queue/queue-helpers.js";
import { REDIS_URL, redisAnswers } from "../helpers/redis.js";
import { tcpProxy } from "../helpers/tcp-proxy.js";
import { tempDir } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const SECRET = "a secret of our own";
const withRedis = await redisAnswers();

const running: RunningApp[] = [];
// The server is on this machine; GitHub stays out of reach.
beforeEach(() => nock.enableNetConnect("127.0.0.1"));
afterEach(async () => {
  nock.disableNetConnect();
  for (const app of running.splice(0)) await app.close();
});

/**
 * `patchwright serve` as main.ts starts it, on a free port, with its queue at hand: SQLite, or Redis
 * (under a key prefix of its own) at `redisUrl`.
 */
async function serve(redisUrl?: string): Promise<{ url: string; queue: DurableQueue; metricsUrl: string }> {
  const stateDir = tempDir("pw-serve-");
  const read = readAppEnv(
    {
      APP_ID: "12345",
      PRIVATE_KEY: generateKeyPairSync("rsa", {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
      }).privateKey,
      WEBHOOK_SECRET: SECRET,
      ANTHROPIC_API_KEY: "test-model-key",
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "fatal",
      PATCHWRIGHT_STATE_DIR: stateDir,
      // Nothing but the intake: no GitHub to read installations from or redeliver through.
      PATCHWRIGHT_SCHEDULER: "off",
      PATCHWRIGHT_RECONCILE_MINUTES: "0",
      ...(redisUrl ? { PATCHWRIGHT_QUEUE: "redis", REDIS_URL: redisUrl } : {}),
    },
    stateDir,
  );
  if (!read.ok) throw new Error(read.problems.join(" / "));
  const queue = redisUrl
    ? redisQueueAt(redisUrl, `pw-serve-${randomUUID()}`)
    : openQueue({ backend: "sqlite", stateDir, ...QUEUE_DEFAULTS }, quietLog);
  const app = await startApp(read.env, { role: "serve", queue, env: {} });
  running.push(app);
  return { url: app.webhookUrl, queue, metricsUrl: new URL("/metrics", app.webhookUrl).href };
}

function post(url: string, id: string, body: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "issue_comment",
      "x-github-delivery": id,
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
    },
    body,
  });
}

async function stored(queue: DurableQueue): Promise<number> {
  const counts = await queue.counts();
  return counts.filter((c) => c.queue === "events").reduce((sum, c) => sum + c.count, 0);
}

/** A mention of patchwright, from GitHub's own example of a new comment. */
function mention(commentId: number): string {
  const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
  Object.assign(payload["comment"] as object, { body: "@patchwright explain this", id: commentId });
  Object.assign(payload, { installation: { id: 42, node_id: "x" } });
  return JSON.stringify(payload);
}

async function inboxGauge(metricsUrl: string): Promise<number> {
  const body = await (await fetch(metricsUrl)).text();
  return Number(/^patchwright_inbox_deliveries (\S+)$/m.exec(body)?.[1]);
}

describe("patchwright serve, taking deliveries", () => {
  it("stores a mention once, whether it comes once, twice at the same moment or again later", async () => {
    const { url, queue } = await serve();
    const body = mention(7_000_001);

    const answers = await Promise.all([post(url, "d-1", body), post(url, "d-1", body)]);
    answers.push(await post(url, "d-1", body));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await stored(queue)).toBe(1);
  });

  it("answers a signed body that is not JSON with 400 and one sentence, storing nothing", async () => {
    const { url, queue } = await serve();
    const answer = await post(url, "d-2", "{ not json");
    expect(answer.status).toBe(400);
    expect(await answer.text()).toBe("payload is not JSON\n");
    expect(await stored(queue)).toBe(0);
  });

  it("refuses a body whose signature does not match, storing nothing", async () => {
    const { url, queue } = await serve();
    const answer = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issue_comment",
        "x-github-delivery": "d-3",
        "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
      },
      body: "{}",
    });
    expect(answer.status).toBe(401);
    expect(await answer.text()).toBe("signature does not match\n");
    expect(await stored(queue)).toBe(0);
  });
});

describe.skipIf(!withRedis)("patchwright serve on the Redis queue, answering from its inbox", () => {
  it("stores a mention once in Redis, however often it comes, and empties its inbox", async () => {
    const { url, queue, metricsUrl } = await serve(REDIS_URL);
    const body = mention(7_000_101);
    const answers = await Promise.all([post(url, "r-1", body), post(url, "r-1", body)]);
    answers.push(await post(url, "r-1", body), await post(url, "r-2", body));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    await until(async () => (await inboxGauge(metricsUrl)) === 0, "the inbox emptied");
    expect(await stored(queue)).toBe(1);
  });

  it("keeps answering while Redis cannot be reached, and stores what it answered once Redis is back", async () => {
    const { hostname, port } = new URL(REDIS_URL);
    const proxy = await tcpProxy({ host: hostname, port: Number(port || 6379) });
    const { url, queue, metricsUrl } = await serve(`redis://127.0.0.1:${proxy.port}`);
    await queue.ping();
    await proxy.cut();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post(url, `cut-${i}`, mention(7_000_200 + i)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await inboxGauge(metricsUrl)).toBe(3);
    // Still ready: a load balancer keeps sending it deliveries, which it holds.
    expect((await fetch(new URL("/readyz", url))).status).toBe(200);
    await proxy.restore();
    await until(async () => (await inboxGauge(metricsUrl)) === 0, "the inbox emptied");
    expect(await stored(queue)).toBe(3);
    await proxy.close();
  });
});
