import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { DurableQueue } from "../../../src/runs/queue/durable-queue.js";
import { RedisQueue } from "../../../src/runs/queue/redis-queue.js";
import { SqliteQueue } from "../../../src/runs/queue/sqlite-queue.js";
import { REDIS_URL, redisAnswers } from "../../helpers/redis.js";
import { tempDir } from "../../helpers/temp-repo.js";
import { queueRequest as request, quietLog, until } from "./queue-helpers.js";

// Real worker processes (test/helpers/queue-worker-process.mjs, over dist/), killed the way a deploy or a
// crash kills them. A short lease keeps the test quick; what is checked is what happened, never how long.
const WORKER = join(import.meta.dirname, "../../helpers/queue-worker-process.mjs");
const LEASE_MS = 400;
const withRedis = await redisAnswers();

const children: ChildProcess[] = [];
const queues: DurableQueue[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const queue of queues.splice(0)) await queue.close();
});

const backends = [
  {
    name: "SQLite",
    available: true,
    where: () => join(tempDir("pw-crash-"), "queue.sqlite"),
    open: (where: string, maxRestarts: number): DurableQueue =>
      new SqliteQueue(where, { leaseMs: LEASE_MS, maxRestarts, log: quietLog }),
  },
  {
    name: "BullMQ on Redis",
    available: withRedis,
    where: () => `pw-crash-${randomUUID()}`,
    open: (where: string, maxRestarts: number): DurableQueue =>
      new RedisQueue({
        url: REDIS_URL,
        prefix: where,
        leaseMs: LEASE_MS,
        maxRestarts,
        retentionMs: 3600_000,
        log: quietLog,
      }),
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`a worker process dying or stopping: ${backend.name}`, () => {
    function setup(maxRestarts = 2) {
      const where = backend.where();
      const logFile = join(tempDir("pw-crash-log-"), "log");
      const queue = backend.open(where, maxRestarts);
      queues.push(queue);
      const lines = (): string[] =>
        existsSync(logFile) ? readFileSync(logFile, "utf8").trim().split("\n") : [];
      const start = (mode: "finish" | "stall", env: Record<string, string> = {}): ChildProcess => {
        const child = spawn(
          process.execPath,
          [
            WORKER,
            backend.name === "SQLite" ? "sqlite" : "redis",
            where,
            mode,
            String(LEASE_MS),
            String(maxRestarts),
            logFile,
          ],
          { stdio: "ignore", env: { ...process.env, ...env } },
        );
        children.push(child);
        return child;
      };
      const exited = (child: ChildProcess): Promise<number | null> =>
        child.exitCode !== null
          ? Promise.resolve(child.exitCode)
          : new Promise((r) => child.once("exit", (code) => r(code)));
      return { queue, lines, start, exited };
    }

    it("starts the run of a worker killed with SIGKILL again on another worker, which finishes it once", async () => {
      const { queue, lines, start, exited } = setup();
      await queue.enqueue(request("r1", "implement", 1));
      const first = start("stall");
      await until(
        () => lines().some((l) => l.startsWith(`start r1 0 ${first.pid}`)),
        "the first worker started the run",
      );
      first.kill("SIGKILL");
      await exited(first);
      const second = start("finish");
      await until(() => lines().some((l) => l.startsWith("done r1")), "another worker finished the run");
      const runs = lines().filter((l) => /^(start|done) r1/.test(l));
      expect(runs).toEqual([`start r1 0 ${first.pid}`, `start r1 1 ${second.pid}`, `done r1 ${second.pid}`]);
    });

    it("gives a run up, saying so once, when its workers die more often than allowed", async () => {
      const { queue, lines, start, exited } = setup(1);
      await queue.enqueue(request("doomed", "answer", 1));
      for (const restarts of [0, 1]) {
        const child = start("stall");
        await until(() => lines().includes(`start doomed ${restarts} ${child.pid}`), `start ${restarts}`);
        child.kill("SIGKILL");
        await exited(child);
      }
      start("finish");
      await until(() => lines().some((l) => l.startsWith("abandoned doomed")), "the run was given up");
      expect(lines().filter((l) => l.startsWith("abandoned") || l.startsWith("done"))).toHaveLength(1);
    });

    it("on SIGTERM, gives back a run that outlasts the drain, and the next worker starts it", async () => {
      const { queue, lines, start, exited } = setup();
      await queue.enqueue(request("long", "implement", 1));
      const first = start("stall", { DRAIN_MS: "100" });
      await until(() => lines().includes(`start long 0 ${first.pid}`), "the run started");
      first.kill("SIGTERM");
      expect(await exited(first)).toBe(0);
      expect(lines()).toContain(`stopped 1 ${first.pid}`);
      const second = start("finish");
      await until(() => lines().includes(`done long ${second.pid}`), "the next worker finished it");
      expect(lines().filter((l) => l.startsWith("start long"))).toEqual([
        `start long 0 ${first.pid}`,
        `start long 1 ${second.pid}`,
      ]);
    });
  });
}
