import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { RunRequest } from "../../../src/request/run-request.js";
import {
  type Delivery,
  type DurableQueue,
  outstanding,
  type QueueHandlers,
  type QueueWorker,
  LeaseLost,
  RunRequeued,
} from "../../../src/runs/queue/durable-queue.js";
import { RedisQueue } from "../../../src/runs/queue/redis-queue.js";
import { threadKey } from "../../../src/runs/queue/run-queue.js";
import { SqliteQueue } from "../../../src/runs/queue/sqlite-queue.js";
import { REDIS_URL, redisAnswers } from "../../helpers/redis.js";
import { tempDir } from "../../helpers/temp-repo.js";
import { gate, queueRequest as request, quietLog, until } from "./queue-helpers.js";

const withRedis = await redisAnswers();

interface Backend {
  name: string;
  available: boolean;
  /** Opens a queue; a second call with the same `shared` opens another handle on the same store. */
  open(shared: string, opts?: { leaseMs?: number; maxRestarts?: number }): DurableQueue;
  shared(): string;
  /**
   * What another worker does once a run's lease ran out under its holder: takes the job over. (On SQLite
   * it claims it with a clock past the lease; on Redis it holds BullMQ's lock on the job and drops ours.)
   */
  takeOver(shared: string, queue: DurableQueue, runId: string, leaseMs: number): Promise<void>;
}

const backends: Backend[] = [
  {
    name: "SQLite",
    available: true,
    shared: () => `${tempDir("pw-queue-")}/queue.sqlite`,
    open: (path, o = {}) =>
      new SqliteQueue(path, { leaseMs: o.leaseMs ?? 30_000, maxRestarts: o.maxRestarts ?? 2, log: quietLog }),
    takeOver: async (path, _queue, runId, leaseMs) => {
      const later = Date.now() + 10 * leaseMs;
      const other = new SqliteQueue(path, { leaseMs, maxRestarts: 2, log: quietLog, now: () => later });
      expect(other.claim("another-worker", { events: false, runs: true }).job?.id).toBe(runId);
      await other.close();
    },
  },
  {
    name: "BullMQ on Redis",
    available: withRedis,
    shared: () => `pw-test-${randomUUID()}`,
    open: (prefix, o = {}) =>
      new RedisQueue({
        url: REDIS_URL,
        prefix,
        leaseMs: o.leaseMs ?? 30_000,
        maxRestarts: o.maxRestarts ?? 2,
        retentionMs: 3600_000,
        log: quietLog,
      }),
    takeOver: async (_prefix, queue, runId) => {
      const redis = (queue as RedisQueue).redis;
      const keys = (queue as RedisQueue).keys();
      await redis.set(keys.bullLock("runs", `run-${runId}`), "another-workers-token");
      await redis.del(keys.thread(threadKey(request(runId, "implement", 1))));
    },
  },
];

const opened: { queue: DurableQueue; workers: QueueWorker[] }[] = [];
afterEach(async () => {
  for (const { queue, workers } of opened.splice(0)) {
    for (const w of workers) await w.stop(0);
    await queue.close();
  }
});

/** Handlers that record what ran; a run whose id has a gate waits for it (and for its signal). */
function recorder() {
  const ran: { id: string; restarts: number }[] = [];
  const events: string[] = [];
  const abandoned: string[] = [];
  const gates = new Map<string, ReturnType<typeof gate>>();
  const signals = new Map<string, AbortSignal>();
  const handlers: QueueHandlers = {
    event: (d: Delivery) => Promise.resolve(void events.push(d.id)),
    run: async (r: RunRequest, restarts, signal) => {
      ran.push({ id: r.id, restarts });
      signals.set(r.id, signal);
      const g = gates.get(r.id);
      if (!g) return;
      await Promise.race([
        g.promise,
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true }),
        ),
      ]);
    },
    abandoned: (r) => Promise.resolve(void abandoned.push(r.id)),
  };
  return { ran, events, abandoned, gates, signals, handlers, hold: (id: string) => gates.set(id, gate()) };
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`the durable queue contract: ${backend.name}`, () => {
    function open(opts?: { leaseMs?: number; maxRestarts?: number }, shared = backend.shared()) {
      const queue = backend.open(shared, opts);
      const entry = { queue, workers: [] as QueueWorker[] };
      opened.push(entry);
      const work = (handlers: QueueHandlers, runConcurrency = 2): QueueWorker => {
        const worker = queue.work(handlers, { eventConcurrency: 2, runConcurrency });
        entry.workers.push(worker);
        return worker;
      };
      return { queue, work, shared };
    }

    it("stores a delivery once, however often it is delivered, and hands it to a worker once", async () => {
      const { queue, work } = open();
      const delivery = { id: "d-1", name: "issue_comment", payload: { action: "created" } };
      expect(await queue.accept(delivery)).toBe("accepted");
      expect(await queue.accept(delivery)).toBe("duplicate");
      const r = recorder();
      work(r.handlers);
      await until(async () => r.events.length === 1 && outstanding(await queue.counts()) === 0);
      expect(await queue.accept(delivery)).toBe("duplicate");
      expect(r.events).toEqual(["d-1"]);
    });

    it("lets one delivery claim a trigger, again after a restart, and no other", async () => {
      const { queue } = open();
      expect(await queue.claimTrigger("issue_comment:7", "d-1")).toBe(true);
      expect(await queue.claimTrigger("issue_comment:7", "d-1")).toBe(true);
      expect(await queue.claimTrigger("issue_comment:7", "d-2")).toBe(false);
      expect(await queue.claimTrigger("issue_comment:8", "d-2")).toBe(true);
    });

    it("takes a delivery whose handling failed again when it is redelivered", async () => {
      const { queue, work } = open();
      const delivery = { id: "d-1", name: "issue_comment", payload: {} };
      expect(await queue.accept(delivery)).toBe("accepted");
      let tries = 0;
      const r = recorder();
      work({
        ...r.handlers,
        event: () => (++tries === 1 ? Promise.reject(new Error("GitHub was down")) : Promise.resolve()),
      });
      await until(async () =>
        (await queue.counts()).some((c) => c.queue === "events" && c.state === "failed" && c.count > 0),
      );
      expect(await queue.accept(delivery)).toBe("accepted");
      await until(async () => tries === 2 && outstanding(await queue.counts()) === 0);
      expect(await queue.accept(delivery)).toBe("duplicate");
    });

    it("claims a delivery's trigger as it stores it: another delivery of the trigger stores nothing", async () => {
      const { queue, work } = open();
      const first = { id: "d-1", name: "issue_comment", payload: { n: 1 } };
      const second = { id: "d-2", name: "issue_comment", payload: { n: 2 } };
      expect(await queue.accept(first, "issue_comment:7")).toBe("accepted");
      expect(await queue.accept(second, "issue_comment:7")).toBe("claimed");
      expect(await queue.accept(first, "issue_comment:7")).toBe("duplicate");
      expect(await queue.claimTrigger("issue_comment:7", "d-1")).toBe(true);
      expect(await queue.claimTrigger("issue_comment:7", "d-2")).toBe(false);
      const r = recorder();
      work(r.handlers);
      await until(async () => r.events.length === 1 && outstanding(await queue.counts()) === 0);
      expect(r.events).toEqual(["d-1"]);
    });

    it("keeps one active and one waiting run per thread: a newer request replaces the waiting one", async () => {
      const { queue, work } = open();
      const r = recorder();
      r.hold("a");
      await queue.enqueue(request("a", "answer", 1));
      work(r.handlers, 4);
      await until(() => r.ran.length === 1);
      expect((await queue.enqueue(request("b", "answer", 1))).replaced).toEqual([]);
      const third = await queue.enqueue(request("c", "answer", 1));
      expect(third.replaced.map((x) => x.id)).toEqual(["b"]);
      // Another thread is not held up by this one.
      await queue.enqueue(request("other", "answer", 2));
      await until(() => r.ran.some((x) => x.id === "other"));
      expect(r.ran.map((x) => x.id)).not.toContain("c");
      r.gates.get("a")!.open();
      await until(async () => outstanding(await queue.counts()) === 0);
      expect(r.ran.map((x) => x.id).sort()).toEqual(["a", "c", "other"]);
    });

    it("holds a run queued again under the same id once, replacing nothing", async () => {
      const { queue, work } = open();
      const r = recorder();
      r.hold("a");
      await queue.enqueue(request("a", "implement", 1));
      work(r.handlers, 4);
      await until(() => r.ran.length === 1);
      await queue.enqueue(request("b", "answer", 1));
      const none = { replaced: [], waitsForRepository: false };
      expect(await queue.enqueue(request("a", "implement", 1))).toEqual(none);
      expect(await queue.enqueue(request("b", "answer", 1))).toEqual(none);
      r.gates.get("a")!.open();
      await until(async () => outstanding(await queue.counts()) === 0 && r.ran.length === 2);
      expect(r.ran.map((x) => x.id)).toEqual(["a", "b"]);
    });

    it("runs one write run per repository at a time, and lets reads through", async () => {
      const { queue, work } = open();
      const r = recorder();
      r.hold("w1");
      expect((await queue.enqueue(request("w1", "implement", 1))).waitsForRepository).toBe(false);
      work(r.handlers, 4);
      await until(() => r.ran.length === 1);
      expect((await queue.enqueue(request("w2", "implement", 2))).waitsForRepository).toBe(true);
      await queue.enqueue(request("read", "answer", 3));
      await queue.enqueue(request("elsewhere", "implement", 1, "other-repo"));
      await until(() => r.ran.length === 3);
      expect(r.ran.map((x) => x.id).sort()).toEqual(["elsewhere", "read", "w1"]);
      r.gates.get("w1")!.open();
      await until(() => r.ran.length === 4);
      expect(r.ran.at(-1)!.id).toBe("w2");
    });

    it("cancels a waiting run before it starts and stops an active one through its signal", async () => {
      const { queue, work } = open();
      const r = recorder();
      r.hold("active");
      const active = request("active", "implement", 1);
      await queue.enqueue(active);
      work(r.handlers, 1);
      await until(() => r.ran.length === 1);
      await queue.enqueue(request("queued", "answer", 2));
      expect(await queue.cancel(threadKey(request("queued", "answer", 2)))).toBe(true);
      expect(await queue.cancel(threadKey(active))).toBe(true);
      await until(() => r.signals.get("active")?.aborted === true);
      await until(async () => outstanding(await queue.counts()) === 0);
      expect(r.ran.map((x) => x.id)).toEqual(["active"]);
      expect(await queue.cancel(threadKey(active))).toBe(false);
    });

    it("on a drain, gives a run that outlasts the deadline back, and another worker starts it again", async () => {
      const { queue, work } = open();
      const first = recorder();
      first.hold("long");
      await queue.enqueue(request("long", "implement", 1));
      const worker = work(first.handlers, 1);
      await until(() => first.ran.length === 1);
      expect(await worker.stop(50)).toEqual({ requeued: 1 });
      expect(first.signals.get("long")!.reason).toBeInstanceOf(RunRequeued);
      const second = recorder();
      work(second.handlers, 1);
      await until(() => second.ran.length === 1);
      expect(second.ran).toEqual([{ id: "long", restarts: 1 }]);
    });

    it("lets a drain finish the runs that end before the deadline", async () => {
      const { queue, work } = open();
      const r = recorder();
      r.hold("short");
      await queue.enqueue(request("short", "answer", 1));
      const worker = work(r.handlers, 1);
      await until(() => r.ran.length === 1);
      const stopped = worker.stop(60_000);
      r.gates.get("short")!.open();
      expect(await stopped).toEqual({ requeued: 0 });
      await until(async () => outstanding(await queue.counts()) === 0);
    });

    it("stops a run whose lease another worker took over, and never records it done", async () => {
      const leaseMs = 300;
      const { queue, work, shared } = open({ leaseMs });
      let signal: AbortSignal | undefined;
      let finished = false;
      const r = recorder();
      await queue.enqueue(request("taken", "implement", 1));
      const worker = work({
        ...r.handlers,
        // Ends normally once stopped, as a run that reports would: the worker must still not record it.
        run: async (_request, _restarts, s) => {
          signal = s;
          await new Promise((resolve) => s.addEventListener("abort", resolve, { once: true }));
          finished = true;
        },
      });
      await until(() => signal !== undefined, "the run started");
      await backend.takeOver(shared, queue, "taken", leaseMs);
      await until(() => finished, "the run was stopped");
      expect(signal!.reason).toBeInstanceOf(LeaseLost);
      await worker.stop(60_000);
      const runs = (await queue.counts()).filter((c) => c.queue === "runs");
      expect(runs.find((c) => c.state === "completed")?.count ?? 0).toBe(0);
      expect(runs.find((c) => c.state === "active")?.count).toBe(1);
    });

    it("stops a run whose lease ran out while the event loop was blocked, and the run starts again once", async () => {
      const leaseMs = 300;
      const { queue, work } = open({ leaseMs });
      const ran: { restarts: number; reason?: unknown }[] = [];
      const r = recorder();
      await queue.enqueue(request("blocked", "implement", 1));
      work({
        ...r.handlers,
        run: async (_request, restarts, signal) => {
          const attempt: { restarts: number; reason?: unknown } = { restarts };
          ran.push(attempt);
          if (restarts > 0) return;
          // A synchronous stretch longer than the lease: no timer, no renewal, can run meanwhile.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3 * leaseMs);
          await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
          attempt.reason = signal.reason;
        },
      });
      await until(async () => {
        const counts = await queue.counts();
        const completed = counts.find((c) => c.queue === "runs" && c.state === "completed")?.count ?? 0;
        return outstanding(counts) === 0 && completed === 1 && ran[0]?.reason !== undefined;
      }, "the run was stopped, started again and finished");
      expect(ran.map((a) => a.restarts)).toEqual([0, 1]);
      expect(ran[0]!.reason).toBeInstanceOf(LeaseLost);
    });

    it("forgets finished jobs, deliveries and triggers older than the retention", async () => {
      const { queue, work } = open();
      const r = recorder();
      await queue.accept({ id: "old", name: "ping", payload: {} });
      await queue.enqueue(request("done", "answer", 1));
      await queue.claimTrigger("k", "old");
      work(r.handlers);
      await until(async () => outstanding(await queue.counts()) === 0 && r.ran.length === 1);
      expect(await queue.prune(new Date(Date.now() - 3600_000))).toBe(0);
      expect(await queue.prune(new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(2);
      const done = (await queue.counts()).filter((c) => c.state === "completed");
      expect(done.reduce((s, c) => s + c.count, 0)).toBe(0);
    });
  });
}
