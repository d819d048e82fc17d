import { randomUUID } from "node:crypto";
import Bottleneck from "bottleneck";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { patchwrightOctokitOptions } from "../../src/app/octokit.js";
import { clusteredThrottling } from "../../src/app/clustered-throttling.js";
import { REDIS_URL, redisAnswers } from "../helpers/redis.js";

const withRedis = await redisAnswers();

const opened: { disconnect(): unknown }[] = [];
afterEach(() => {
  for (const o of opened.splice(0)) o.disconnect();
});

/** A worker process's share of Octokit's clustered throttling: its own Redis connection. */
function worker(Limiter: typeof Bottleneck, group: string): Bottleneck.Group {
  const client = new Redis(REDIS_URL);
  const connection = new Bottleneck.IORedisConnection({ client });
  opened.push(client);
  // What @octokit/plugin-throttling builds for its write group.
  return new Limiter.Group({ id: group, maxConcurrent: 1, minTime: 0, connection, timeout: 60_000 });
}

describe.skipIf(!withRedis)("Octokit's clustered throttling after a worker died mid-write", () => {
  it("lets another worker write once the dead worker's placeholder job expires, not a minute later", async () => {
    const Limiter = clusteredThrottling(Bottleneck, 300);
    const installation = `test-${randomUUID()}`;
    const dead = worker(Limiter, "octokit-write").key(installation);
    // The plugin's placeholder, started and never ended: its process was killed before it said so.
    const never = dead.schedule({ expiration: 60_000 }, () => new Promise<void>(() => undefined));
    const ended = never.then(
      () => "ended",
      (err: Error) => err.message,
    );
    await new Promise<void>((resolve) => dead.once("executing", () => resolve()));

    const other = worker(Limiter, "octokit-write").key(installation);
    await expect(other.schedule({ expiration: 60_000 }, () => Promise.resolve("written"))).resolves.toBe(
      "written",
    );
    expect(await ended).toMatch(/timed out after 300 ms/);
  });

  it("leaves the global group's jobs, which are the requests themselves, their own expiration", async () => {
    const Limiter = clusteredThrottling(Bottleneck, 300);
    const limiter = worker(Limiter, "octokit-global").key(`test-${randomUUID()}`);
    const seen: (number | null | undefined)[] = [];
    limiter.on("received", (info: { options: Bottleneck.JobOptions }) => seen.push(info.options.expiration));
    await limiter.schedule({ expiration: 60_000 }, () => Promise.resolve());
    expect(seen).toEqual([60_000]);
  });

  it("keeps the global and auth caps in each process, and shares the write group's", async () => {
    const Limiter = clusteredThrottling(Bottleneck, 300);
    /** What another worker sees running for the installation while one worker's request is under way. */
    const runningElsewhere = async (group: string): Promise<number> => {
      const installation = `test-${randomUUID()}`;
      const busy = worker(Limiter, group).key(installation);
      void busy.schedule({ expiration: 1_000 }, () => new Promise<void>(() => undefined)).catch(() => {});
      await new Promise<void>((resolve) => busy.once("executing", () => resolve()));
      return worker(Limiter, group).key(installation).running();
    };
    expect(await runningElsewhere("octokit-global")).toBe(0);
    expect(await runningElsewhere("octokit-auth")).toBe(0);
    expect(await runningElsewhere("octokit-write")).toBe(1);
  });
});

describe("Octokit's throttling options", () => {
  const handlers = { onRateLimit: () => false };

  it("let idle clustered limiters expire after 20 s, so their heartbeats and Redis keys go with them", () => {
    const connection = {};
    const { throttle } = patchwrightOctokitOptions({ throttle: { ...handlers, Bottleneck, connection } });
    expect(throttle?.["timeout"]).toBe(20_000);
    expect(throttle?.["connection"]).toBe(connection);
  });

  it("leave a process's own limiters as the plugin makes them", () => {
    const { throttle } = patchwrightOctokitOptions({ throttle: { ...handlers } });
    expect(throttle?.["timeout"]).toBeUndefined();
    expect(throttle?.["Bottleneck"]).toBeUndefined();
  });
});
