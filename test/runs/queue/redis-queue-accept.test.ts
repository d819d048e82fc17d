import { randomUUID } from "node:crypto";
import type { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import type { RedisQueue } from "../../../src/runs/queue/redis-queue.js";
import { monitorRedis, REDIS_URL, redisAnswers } from "../../helpers/redis.js";
import { testRedisQueue } from "./queue-helpers.js";

const withRedis = await redisAnswers();

const queues: RedisQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.close();
});

describe.skipIf(!withRedis)("the Redis queue, storing a delivery", () => {
  it("stores a delivery that was marked as received but whose job never made it (the server died between)", async () => {
    const prefix = `pw-test-${randomUUID()}`;
    const queue = testRedisQueue(prefix);
    queues.push(queue);
    await queue.redis.set(`${prefix}:pw:delivery:d-1`, "1", "PX", 30_000);

    expect(await queue.accept({ id: "d-1", name: "issue_comment", payload: {} })).toBe("accepted");
    expect(await queue.counts()).toContainEqual({ queue: "events", state: "waiting", count: 1 });
    expect(await queue.accept({ id: "d-1", name: "issue_comment", payload: {} })).toBe("duplicate");
  });

  it("sends a delivery's marks and its job to Redis in one socket write", async () => {
    const queue = testRedisQueue(`pw-test-${randomUUID()}`);
    queues.push(queue);
    expect(await queue.accept({ id: "d-0", name: "issue_comment", payload: {} })).toBe("accepted");
    // Counted where the socket hands bytes to the system: one call per write, however many commands.
    const socket = queue.redis.stream as Writable;
    let writes = 0;
    for (const method of ["_write", "_writev"] as const) {
      const original = socket[method]?.bind(socket) as ((...args: unknown[]) => void) | undefined;
      if (original)
        socket[method] = (...args: unknown[]) => {
          writes++;
          original(...args);
        };
    }
    expect(
      await queue.accept({ id: "d-1", name: "issue_comment", payload: { big: "x".repeat(20_000) } }),
    ).toBe("accepted");
    expect(writes).toBe(1);
    expect(await queue.counts()).toContainEqual({ queue: "events", state: "waiting", count: 2 });
  });

  it("calls its scripts by SHA once loaded, and loads them again when Redis has forgotten them", async () => {
    const prefix = `pw-test-${randomUUID()}`;
    const queue = testRedisQueue(prefix);
    queues.push(queue);
    // The accept script is the only script that names a delivery's marker (MONITOR also shows the
    // commands the script runs: left out).
    const sent: string[] = [];
    const monitor = await monitorRedis((args) => {
      const command = args[0]!.toLowerCase();
      if (/^eval(sha)?$/.test(command) && args.some((a) => a.startsWith(`${prefix}:pw:delivery:`)))
        sent.push(command);
    });
    const seen = async (count: number): Promise<string[]> => {
      for (let i = 0; i < 100 && sent.length < count; i++) await new Promise((r) => setTimeout(r, 20));
      return sent.slice();
    };
    try {
      const accept = (id: string): Promise<unknown> =>
        queue.accept({ id, name: "issue_comment", payload: {} });
      expect(await accept("d-1")).toBe("accepted");
      expect(await accept("d-2")).toBe("accepted");
      expect(await seen(2)).toEqual(["eval", "evalsha"]);

      const flusher = new Redis(REDIS_URL);
      await flusher.script("FLUSH");
      flusher.disconnect();
      expect(await accept("d-3")).toBe("accepted");
      expect(await accept("d-3")).toBe("duplicate");
      // Refused by SHA, sent whole again, then by SHA again.
      expect((await seen(5)).slice(2)).toEqual(["evalsha", "eval", "evalsha"]);
    } finally {
      monitor.close();
    }
  });
});
