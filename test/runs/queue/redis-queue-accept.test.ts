import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { RedisQueue } from "../../../src/runs/queue/redis-queue.js";
import { REDIS_URL, redisAnswers } from "../../helpers/redis.js";
import { quietLog } from "./queue-helpers.js";

const withRedis = await redisAnswers();

const queues: RedisQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.close();
});

describe.skipIf(!withRedis)("the Redis queue, storing a delivery", () => {
  it("stores a delivery that was marked as received but whose job never made it (the server died between)", async () => {
    const prefix = `pw-test-${randomUUID()}`;
    const queue = new RedisQueue({
      url: REDIS_URL,
      prefix,
      leaseMs: 30_000,
      maxRestarts: 2,
      retentionMs: 3600_000,
      log: quietLog,
    });
    queues.push(queue);
    await queue.redis.set(`${prefix}:pw:delivery:d-1`, "1", "PX", 30_000);

    expect(await queue.accept({ id: "d-1", name: "issue_comment", payload: {} })).toBe("accepted");
    expect(await queue.counts()).toContainEqual({ queue: "events", state: "waiting", count: 1 });
    expect(await queue.accept({ id: "d-1", name: "issue_comment", payload: {} })).toBe("duplicate");
  });
});
