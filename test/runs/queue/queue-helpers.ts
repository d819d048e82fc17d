import { RepoConfig } from "../../../src/config/schema.js";
import type { RunKind, RunRequest } from "../../../src/request/run-request.js";
import type { QueueLog } from "../../../src/runs/queue/durable-queue.js";
import { RedisQueue } from "../../../src/runs/queue/redis-queue.js";
import { REDIS_URL } from "../../helpers/redis.js";

export function queueRequest(id: string, kind: RunKind, thread: number, repo = "r"): RunRequest {
  return {
    id,
    kind,
    repository: { owner: "o", name: repo, defaultBranch: "main", private: false },
    thread: { number: thread, isPullRequest: false },
    trigger: { event: "issue_comment", deliveryId: id, key: id, author: "a" },
    instruction: "",
    refs: { base: "main", fromFork: false },
    config: RepoConfig.parse({}),
    requestedAt: "2026-11-21T10:00:00Z",
  };
}

export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A Redis queue under its own key prefix, with the settings the queue's tests share; the caller closes it. */
export function testRedisQueue(prefix: string): RedisQueue {
  return redisQueueAt(REDIS_URL, prefix);
}

/** The same, with the Redis at `url` (a proxy a test can cut, say). */
export function redisQueueAt(url: string, prefix: string): RedisQueue {
  return new RedisQueue({
    url,
    prefix,
    leaseMs: 30_000,
    maxRestarts: 2,
    retentionMs: 3600_000,
    log: quietLog,
  });
}

export const quietLog: QueueLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Waits for a condition, checking every 10 ms: the tests wait on what happened, never on how long it took.
 * The bound only turns a hang into a failure naming the condition.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what = "the condition",
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
