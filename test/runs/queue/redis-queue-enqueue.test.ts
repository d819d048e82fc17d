import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { RedisQueue } from "../../../src/runs/queue/redis-queue.js";
import { repositoryKey } from "../../../src/runs/queue/run-queue.js";
import { redisAnswers } from "../../helpers/redis.js";
import { queueRequest as request, testRedisQueue } from "./queue-helpers.js";

const withRedis = await redisAnswers();

const queues: RedisQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.close();
});

describe.skipIf(!withRedis)("the Redis queue, queueing a write run", () => {
  it("does not say a run waits for its repository when the lock it finds is the run's own", async () => {
    const queue = testRedisQueue(`pw-test-${randomUUID()}`);
    queues.push(queue);
    const run = request("w1", "implement", 1);
    // What a worker holds once it took the job, between the job's add and enqueue's look at the lock.
    await queue.redis.set(queue.keys().repo(repositoryKey(run)), run.id, "PX", 30_000);
    expect((await queue.enqueue(run)).waitsForRepository).toBe(false);

    await queue.redis.set(queue.keys().repo(repositoryKey(run)), "another-run", "PX", 30_000);
    expect((await queue.enqueue(request("w2", "implement", 2))).waitsForRepository).toBe(true);
  });
});
