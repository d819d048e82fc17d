import { randomUUID } from "node:crypto";
import { DelayedError, type Job, Queue, Worker, type WorkerOptions as BullWorkerOptions } from "bullmq";
import { Redis } from "ioredis";
import { RunRequest } from "../../request/run-request.js";
import {
  type Accepted,
  type Delivery,
  type DurableQueue,
  type DurableQueueOptions,
  type EnqueueResult,
  JOB_STATES,
  type QueueCount,
  type QueueHandlers,
  type QueueWorker,
  type WorkerOptions,
  LeaseLost,
  QUEUE_NAMES,
  RunRequeued,
} from "./durable-queue.js";
import { repositoryKey, threadKey, writesToRepository } from "./run-queue.js";

export interface RedisQueueOptions extends DurableQueueOptions {
  url: string;
  /** Namespaces every key, so two installations can share one Redis. */
  prefix?: string;
  /** How long finished jobs, delivery ids and trigger records are kept. */
  retentionMs: number;
}

// Our own keys beside BullMQ's: the pending run per thread, the locks that keep one run per thread and one
// write run per repository across workers, stop requests, and how often a run was given back on a drain.
// A lock is taken only by a job id, renewed while the job runs, and expires by itself when its worker dies.
const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
// KEYS[1]: BullMQ's lock on the job, ARGV[3] its token; the other KEYS: our locks, ARGV[1] their holder.
// Renews our locks only while the job is still ours; answers how many of ours were held (-1: the job not).
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[3] then return -1 end
local held = 0
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
    held = held + 1
  end
end
return held`;
// A run starts once, unless a newer request superseded it first: the two scripts decide atomically, so
// `enqueue` knows for sure whether the run it replaces will ever start, even while a worker holds its job.
// KEYS: started:<run>, superseded:<run>; ARGV: ttl.
const BEGIN = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1`;
// Records a run as queued, once: the thread's previous latest request (false if none), or 0 when this run
// was queued before. KEYS: enqueued:<run>, pending; ARGV: thread, run, ttl.
const ENQUEUE = `
if redis.call('SET', KEYS[1], '1', 'PX', ARGV[3], 'NX') == false then return 0 end
local before = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return before`;
// Forgets the thread's latest request once it is done, unless a newer one took the slot.
const CLEAR_PENDING = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;
// A delivery's marks: its trigger claimed (when it has one) and its id marked as received. Sent together
// with the BullMQ add, which is idempotent by job id, so both cost one round trip. A marked delivery whose
// job is missing (the server died before the add) is new; the add beside this script repairs it.
// KEYS: delivery marker, the job's hash, the failed set, [trigger]; ARGV: delivery id, ttl, job id.
const ACCEPT = `
if KEYS[4] then
  local owner = redis.call('GET', KEYS[4])
  if owner == false then redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[2])
  elseif owner ~= ARGV[1] then return 'claimed' end
end
if redis.call('SET', KEYS[1], '1', 'PX', ARGV[2], 'NX') then return 'new' end
if redis.call('EXISTS', KEYS[2]) == 0 then return 'new' end
if redis.call('ZSCORE', KEYS[3], ARGV[3]) then return 'failed' end
return 'duplicate'`;
const SUPERSEDE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return 1`;

// Loaded once per connection and called by SHA: ioredis sends EVAL the first time on a connection, then
// EVALSHA, and EVAL again on NOSCRIPT (Redis restarted, SCRIPT FLUSH). Plain EVAL sent and hashed the
// whole script on every accept, enqueue, lock and heartbeat.
const SCRIPTS = {
  pwAcquire: ACQUIRE,
  pwRelease: RELEASE,
  pwRenew: RENEW,
  pwBegin: BEGIN,
  pwEnqueue: ENQUEUE,
  pwClearPending: CLEAR_PENDING,
  pwAccept: ACCEPT,
  pwSupersede: SUPERSEDE,
};
/** Each script as `(numkeys, ...keys, ...args)`, as EVAL takes them. */
type Scripts = Record<keyof typeof SCRIPTS, (numKeys: number, ...args: string[]) => Promise<unknown>>;

function loadScripts(redis: Redis): Scripts {
  for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { lua });
  return redis as unknown as Scripts;
}

// A job that cannot take its locks yet waits this long before trying again.
const LOCKED_RETRY_MS = 1000;
const HEARTBEAT_MS = 1000;
const GIVE_BACK_MS = 10_000;
// BullMQ's own stalled-job limit is set out of reach: restarts are counted and bounded here, so a run
// given up on is reported on its thread instead of only failing in Redis.
const STALLS_UNBOUNDED = 1_000_000;

/**
 * The scale-out queue: BullMQ on Redis, one queue for deliveries and one for runs. BullMQ gives the job ids
 * (a delivery id is its job id, so a redelivery is not added twice), the locks that detect a dead worker
 * and put its job back (stalled-job recovery), retention and counts. What BullMQ has no primitive for,
 * done with a few keys of our own: a newer request replacing the waiting one on a thread (BullMQ's
 * `keepLastIfActive` keeps the newest only while the first is active, and drops it while the first
 * waits), and one write run per repository across workers (groups are a BullMQ Pro feature).
 */
export class RedisQueue implements DurableQueue {
  readonly backend = "redis";
  readonly redis: Redis;
  /** @internal */
  readonly scripts: Scripts;
  private readonly events: Queue;
  private readonly runs: Queue;
  private readonly prefix: string;

  constructor(private readonly options: RedisQueueOptions) {
    this.prefix = options.prefix ?? "patchwright";
    // BullMQ requires maxRetriesPerRequest: null for its blocking calls.
    this.redis = new Redis(options.url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.redis.on("error", (err: Error) => options.log.warn("redis", { error: err.message }));
    this.scripts = loadScripts(this.redis);
    const age = Math.ceil(options.retentionMs / 1000);
    const common = {
      connection: this.redis,
      prefix: this.prefix,
      defaultJobOptions: { removeOnComplete: { age }, removeOnFail: { age } },
    };
    this.events = new Queue("events", common);
    this.runs = new Queue("runs", common);
    // Each queue repeats its connection's errors, logged once above; BullMQ prints one with no listener
    // to stderr as a raw stack, outside the JSON log.
    for (const queue of [this.events, this.runs]) queue.on("error", () => undefined);
  }

  private key(...parts: string[]): string {
    return [this.prefix, "pw", ...parts].join(":");
  }

  async accept(delivery: Delivery, trigger?: string): Promise<Accepted> {
    const jobId = eventJobId(delivery.id, trigger);
    const keys = [
      this.key("delivery", delivery.id),
      this.events.toKey(jobId),
      this.events.toKey("failed"),
      ...(trigger !== undefined ? [this.key("trigger", trigger)] : []),
    ];
    // Concurrent, not one after the other: the add keeps one job per id whatever the marks say (a mention
    // delivered twice under two ids has one job, named by its trigger), so the answer waits for one round
    // trip instead of two, and both commands leave in one socket write.
    const [marked] = await this.inOneWrite(() =>
      Promise.all([
        this.scripts.pwAccept(
          keys.length,
          ...keys,
          delivery.id,
          String(this.options.retentionMs),
          jobId,
        ) as Promise<"new" | "failed" | "duplicate" | "claimed">,
        this.events.add(delivery.name, delivery, { jobId }),
      ]),
    );
    if (marked === "claimed" || marked === "duplicate") return marked;
    // A delivery whose handling failed is taken again when GitHub redelivers it.
    if (marked === "failed") await this.events.getJob(jobId).then((job) => job?.retry("failed"));
    return "accepted";
  }

  /**
   * Holds the connection's socket writes while `send` issues its commands, and lets them go together at
   * the end of the tick: on the webhook's answer path each write is a system call and a wake-up of Redis.
   * Commands issued after the tick are written as usual.
   */
  private inOneWrite<T>(send: () => Promise<T>): Promise<T> {
    const socket = this.redis.status === "ready" ? this.redis.stream : undefined;
    if (!socket) return send();
    socket.cork();
    process.nextTick(() => socket.uncork());
    return send();
  }

  async enqueue(request: RunRequest): Promise<EnqueueResult> {
    const thread = threadKey(request);
    const ttl = String(this.options.retentionMs);
    const before = (await this.scripts.pwEnqueue(
      2,
      this.key("enqueued", request.id),
      this.key("pending"),
      thread,
      request.id,
      ttl,
    )) as string | 0 | null;
    // Added even for a run queued before: its job id keeps one, and a crash between the two is repaired.
    await this.runs.add("run", request, { jobId: runJobId(request.id) });
    // The same run queued again (its delivery's handling was restarted): it is held once, as it was.
    if (before === 0) return { replaced: [], waitsForRepository: false };
    const replaced: RunRequest[] = [];
    if (typeof before === "string" && before !== request.id) {
      const old = await this.supersede(before);
      if (old) replaced.push(old);
    }
    // A worker may have taken the job already, and its lock on the repository is then this run's own.
    const holder = writesToRepository(request)
      ? lockedBy(await this.redis.get(this.key("repo", repositoryKey(request))))
      : null;
    return { replaced, waitsForRepository: holder !== null && holder !== request.id };
  }

  /** Stops a run that has not started from ever starting; its request, or undefined if it started. */
  private async supersede(runId: string): Promise<RunRequest | undefined> {
    const keys = this.keys();
    const ttl = String(this.options.retentionMs);
    if ((await this.scripts.pwSupersede(2, keys.started(runId), keys.superseded(runId), ttl)) !== 1)
      return undefined;
    const job = await this.runs.getJob(runJobId(runId));
    if (!job) return undefined;
    // A worker holding it now will see it superseded and not run it; a waiting job is also removed.
    await job.remove().catch(() => undefined);
    return RunRequest.parse(job.data);
  }

  async claimTrigger(key: string, deliveryId: string): Promise<boolean> {
    const redisKey = this.key("trigger", key);
    const first = await this.redis.set(redisKey, deliveryId, "PX", this.options.retentionMs, "NX");
    return first === "OK" || (await this.redis.get(redisKey)) === deliveryId;
  }

  async cancel(thread: string): Promise<boolean> {
    const pending = await this.redis.hget(this.key("pending"), thread);
    let found = pending ? (await this.supersede(pending)) !== undefined : false;
    const active = lockedBy(await this.redis.get(this.key("thread", thread)));
    if (active) {
      // The worker holding it reads this on its next heartbeat, whichever machine it is on.
      await this.redis.set(this.key("cancel", active), "1", "PX", this.options.retentionMs);
      found = true;
    }
    return found;
  }

  async counts(): Promise<QueueCount[]> {
    const out: QueueCount[] = [];
    for (const name of QUEUE_NAMES) {
      const queue = name === "events" ? this.events : this.runs;
      const counts = await queue.getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) out.push({ queue: name, state, count: counts[state] ?? 0 });
    }
    return out;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async prune(before: Date): Promise<number> {
    // BullMQ removes finished jobs by age itself (removeOnComplete/removeOnFail); our keys expire by TTL.
    const grace = Math.max(0, Date.now() - before.getTime());
    let removed = 0;
    for (const queue of [this.events, this.runs]) {
      removed += (await queue.clean(grace, 1000, "completed")).length;
      removed += (await queue.clean(grace, 1000, "failed")).length;
    }
    return removed;
  }

  work(handlers: QueueHandlers, options: WorkerOptions): QueueWorker {
    return new RedisWorker(this, handlers, options, this.options);
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.runs.close();
    await this.redis.quit().catch(() => undefined);
  }

  /** @internal */
  keys(): {
    pending: string;
    thread(t: string): string;
    repo(r: string): string;
    cancel(id: string): string;
    requeues(id: string): string;
    started(id: string): string;
    superseded(id: string): string;
    bullLock(queue: "events" | "runs", jobId: string): string;
  } {
    return {
      // BullMQ's own lock on an active job: its value is the token of the worker holding it.
      bullLock: (queue, jobId) => `${this.prefix}:${queue}:${jobId}:lock`,
      pending: this.key("pending"),
      started: (id) => this.key("started", id),
      superseded: (id) => this.key("superseded", id),
      thread: (t) => this.key("thread", t),
      repo: (r) => this.key("repo", r),
      cancel: (id) => this.key("cancel", id),
      requeues: (id) => this.key("requeues", id),
    };
  }

  /** @internal */
  workerOptions(concurrency: number): BullWorkerOptions & { prefix: string } {
    return {
      connection: this.redis,
      prefix: this.prefix,
      concurrency,
      lockDuration: this.options.leaseMs,
      stalledInterval: Math.max(1000, Math.floor(this.options.leaseMs / 2)),
      maxStalledCount: STALLS_UNBOUNDED,
    };
  }
}

interface Claim {
  queue: "events" | "runs";
  job: string;
  token: string | undefined;
  /** Our locks' value and keys (runs only). */
  holder: string;
  locks: string[];
  controller: AbortController;
  done: Promise<unknown>;
  renewedAt: number;
}

/** Two BullMQ workers (deliveries, runs) and the locks and stop requests around each run. */
class RedisWorker implements QueueWorker {
  private readonly events: Worker;
  private readonly runs: Worker;
  /** What this worker runs now, by BullMQ token: aborted on a stop request, a drain or a lost lease. */
  private readonly active = new Map<string, Claim>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly queue: RedisQueue,
    private readonly handlers: QueueHandlers,
    options: WorkerOptions,
    private readonly settings: RedisQueueOptions,
  ) {
    this.events = new Worker(
      "events",
      (job: Job<Delivery>, token, signal) =>
        this.track({ queue: "events", job: job.id!, token, holder: "", locks: [] }, signal, (s) =>
          handlers.event(job.data, s),
        ),
      queue.workerOptions(options.eventConcurrency),
    );
    this.runs = new Worker(
      "runs",
      (job: Job<RunRequest>, token, signal) => this.processRun(job, token, signal),
      queue.workerOptions(options.runConcurrency),
    );
    for (const worker of [this.events, this.runs]) {
      worker.on("error", (err) => settings.log.warn("queue worker", { error: err.message }));
      worker.on("failed", (job, err) => {
        if (!(err instanceof DelayedError) && err.name !== "DelayedError")
          settings.log.error("a job failed", { job: job?.id, error: err.message });
      });
      // BullMQ could not extend its lock: the job may be another worker's already.
      worker.on("lockRenewalFailed", (jobIds: string[]) => {
        for (const claim of this.active.values())
          if (jobIds.includes(claim.job)) this.lose(claim, "its lock could not be renewed");
      });
    }
    this.heartbeat = setInterval(() => void this.renew(), Math.min(HEARTBEAT_MS, settings.leaseMs / 3));
    this.heartbeat.unref();
  }

  private async processRun(
    job: Job<RunRequest>,
    token: string | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    const request = RunRequest.parse(job.data);
    const keys = this.queue.keys();
    const redis = this.queue.redis;
    const scripts = this.queue.scripts;
    const lease = String(this.settings.leaseMs);
    const requeues = Number((await redis.get(keys.requeues(request.id))) ?? 0);
    const restarts = job.stalledCounter + requeues;
    if (job.stalledCounter > this.settings.maxRestarts) {
      this.settings.log.warn("abandoned a run whose workers died", { run: request.id });
      await this.handlers.abandoned(request);
      return;
    }
    const holder = lockHolder(request.id, token);
    const locks = [keys.thread(threadKey(request))];
    if (writesToRepository(request)) locks.push(keys.repo(repositoryKey(request)));
    const taken: string[] = [];
    for (const lock of locks) {
      if ((await scripts.pwAcquire(1, lock, holder, lease)) !== 1) {
        for (const t of taken) await scripts.pwRelease(1, t, holder);
        // Another run holds the thread or the repository: try again later, without counting an attempt.
        await job.moveToDelayed(Date.now() + LOCKED_RETRY_MS, token);
        throw new DelayedError();
      }
      taken.push(lock);
    }
    const ttl = String(this.settings.retentionMs);
    if ((await scripts.pwBegin(2, keys.started(request.id), keys.superseded(request.id), ttl)) !== 1) {
      // A newer request on the thread replaced it before it started (and said so): nothing to run.
      for (const t of taken) await scripts.pwRelease(1, t, holder);
      return;
    }
    let lost = false;
    try {
      await this.track({ queue: "runs", job: job.id!, token, holder, locks: taken }, signal, (s) =>
        this.handlers.run(request, restarts, s),
      );
    } catch (err) {
      if (err instanceof LeaseLost) {
        // Left as it is: BullMQ's stalled-job check gives it to the next worker once its lock is gone.
        lost = true;
        throw new DelayedError();
      }
      if (err instanceof RunRequeued) {
        await redis.incr(keys.requeues(request.id));
        await redis.pexpire(keys.requeues(request.id), this.settings.retentionMs);
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      throw err;
    } finally {
      for (const t of taken) await scripts.pwRelease(1, t, holder);
      // The stop request and the thread's latest request belong to the run, which another worker takes up.
      if (!lost) {
        await redis.del(keys.cancel(request.id));
        await scripts.pwClearPending(1, keys.pending, threadKey(request), request.id);
      }
    }
  }

  /**
   * Runs a handler under a controller this worker can abort (a stop request, a drain, a lost lease),
   * renewing the claim's locks meanwhile. Throws LeaseLost when the lease was lost, even if the handler
   * finished: BullMQ must not record a job done by a worker that no longer holds it.
   */
  private async track(
    claim: Omit<Claim, "controller" | "done" | "renewedAt">,
    bullSignal: AbortSignal | undefined,
    handler: (signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(bullSignal?.reason);
    bullSignal?.addEventListener("abort", onAbort, { once: true });
    const key = claim.token ?? randomUUID();
    // Recorded before the handler starts: the lease counts from the claim, even if the handler blocks.
    const entry: Claim = { ...claim, controller, done: Promise.resolve(), renewedAt: Date.now() };
    this.active.set(key, entry);
    try {
      const done = handler(controller.signal);
      entry.done = done.catch(() => undefined);
      await done;
    } catch (err) {
      if (controller.signal.reason instanceof LeaseLost) throw controller.signal.reason;
      throw err;
    } finally {
      bullSignal?.removeEventListener("abort", onAbort);
      this.active.delete(key);
    }
    this.expire(entry);
    if (controller.signal.reason instanceof LeaseLost) throw controller.signal.reason;
  }

  private lose(claim: Claim, why: string): void {
    if (claim.controller.signal.aborted) return;
    this.settings.log.warn("stopped a job whose lease was lost; it is another worker's now", {
      job: claim.job,
      why,
    });
    claim.controller.abort(new LeaseLost(why));
  }

  /** Stops a claim not renewed within its lease (the event loop was blocked, Redis unreachable). */
  private expire(claim: Claim): boolean {
    if (Date.now() - claim.renewedAt <= this.settings.leaseMs) return false;
    this.lose(claim, "it was not renewed in time");
    return true;
  }

  private async renew(): Promise<void> {
    const keys = this.queue.keys();
    for (const claim of this.active.values()) {
      if (claim.controller.signal.aborted || this.expire(claim)) continue;
      const asked = Date.now();
      try {
        const held = await this.queue.scripts.pwRenew(
          1 + claim.locks.length,
          keys.bullLock(claim.queue, claim.job),
          ...claim.locks,
          claim.holder,
          String(this.settings.leaseMs),
          claim.token ?? "",
        );
        if (held === -1) this.lose(claim, "another worker holds the job now");
        else if (held !== claim.locks.length) this.lose(claim, "its thread or repository lock ran out");
        else {
          claim.renewedAt = asked;
          if (
            claim.queue === "runs" &&
            (await this.queue.redis.get(keys.cancel(lockedBy(claim.holder)!))) !== null
          )
            claim.controller.abort(new Error("stopped on request"));
        }
      } catch (err) {
        this.settings.log.warn("could not renew a lease", { job: claim.job, error: (err as Error)?.message });
      }
    }
  }

  async stop(drainMs: number): Promise<{ requeued: number }> {
    // Stop taking jobs; the ones under way go on.
    await Promise.all([this.events.pause(true), this.runs.pause(true)]);
    const all = (): Promise<unknown> => Promise.all([...this.active.values()].map((a) => a.done));
    const drained = await Promise.race([all().then(() => true), delay(drainMs).then(() => false)]);
    let requeued = 0;
    if (!drained) {
      for (const { controller } of this.active.values()) {
        controller.abort(new RunRequeued());
        requeued++;
      }
      await Promise.race([all(), delay(GIVE_BACK_MS)]);
    }
    clearInterval(this.heartbeat);
    await Promise.all([this.events.close(), this.runs.close()]);
    return { requeued };
  }
}

/**
 * What a run's thread and repository locks hold: the run id and the claim (BullMQ's token for this
 * attempt), so a later attempt of the same run never renews or releases the locks of one that lost them.
 */
function lockHolder(runId: string, token: string | undefined): string {
  return `${runId}@${token ?? "-"}`;
}

/** The run holding a lock, from its value. */
export function lockedBy(holder: string | null): string | null {
  return holder === null ? null : holder.split("@")[0]!;
}

/**
 * A delivery's job: named by its mention's trigger when it has one, so another delivery of the same comment
 * adds nothing; by its delivery id otherwise. base64url: BullMQ refuses ':' in a job id.
 */
function eventJobId(deliveryId: string, trigger: string | undefined): string {
  return trigger === undefined
    ? `event-${deliveryId}`
    : `event-t-${Buffer.from(trigger).toString("base64url")}`;
}

/** Job ids of our own shape: a bare id could be one of BullMQ's key names ("active", "wait"). */
function runJobId(runId: string): string {
  return `run-${runId}`;
}

/** Ref'd on purpose: a stopping worker's process must live until its runs are given back. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
