import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { openPrivateSqlite } from "../open-private-sqlite.js";
import { RunRequest } from "../../request/run-request.js";
import {
  type Delivery,
  type DurableQueue,
  type Accepted,
  type DurableQueueOptions,
  type EnqueueResult,
  type QueueCount,
  type QueueHandlers,
  type QueueName,
  type QueueWorker,
  type WorkerOptions,
  LeaseLost,
  RunRequeued,
} from "./durable-queue.js";
import { repositoryKey, threadKey, writesToRepository } from "./run-queue.js";

// One table of jobs for both queues. `state` is waiting → active → completed | failed, or cancelled /
// replaced before it started. `starts` counts how often a worker took the job, `crashes` how often a
// worker's lease ran out under it (it died): that is what `maxRestarts` bounds.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS triggers (key TEXT PRIMARY KEY, delivery TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  thread TEXT,
  repo TEXT,
  writes INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  data TEXT NOT NULL,
  owner TEXT,
  lease_until INTEGER,
  starts INTEGER NOT NULL DEFAULT 0,
  crashes INTEGER NOT NULL DEFAULT 0,
  cancel INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (queue, state, seq);
CREATE INDEX IF NOT EXISTS jobs_by_thread ON jobs (thread, state);
CREATE INDEX IF NOT EXISTS jobs_by_lease ON jobs (state, lease_until);
`;

interface JobRow {
  id: string;
  queue: QueueName;
  data: string;
  starts: number;
  crashes: number;
}

// The oldest job a worker may start: a delivery, or a run whose thread has no active run and, when it
// writes, whose repository has no active write run.
const NEXT_EVENT =
  "SELECT id, queue, data, starts, crashes FROM jobs WHERE queue = 'events' AND state = 'waiting' ORDER BY seq LIMIT 1";
const NEXT_RUN = `SELECT id, queue, data, starts, crashes FROM jobs j
  WHERE queue = 'runs' AND state = 'waiting'
    AND NOT EXISTS (SELECT 1 FROM jobs a WHERE a.queue = 'runs' AND a.state = 'active' AND a.thread = j.thread)
    AND (j.writes = 0 OR NOT EXISTS (
      SELECT 1 FROM jobs a WHERE a.queue = 'runs' AND a.state = 'active' AND a.writes = 1 AND a.repo = j.repo))
  ORDER BY seq LIMIT 1`;

const FINISHED = ["completed", "failed", "cancelled", "replaced"];
// A worker looks for work this often when it was told of none, and renews its leases this often at most.
const POLL_MS = 200;
const HEARTBEAT_MS = 1000;
// After a drain's deadline, how long a stopped run gets to give its job back before the worker leaves it
// to lease expiry.
const GIVE_BACK_MS = 10_000;
// WAL pages (4 KiB) after which the server's own commits checkpoint: about 40 MiB of deliveries.
const INGRESS_CHECKPOINT_PAGES = 10_000;
// How long a write waits for another process's write lock before it fails.
const BUSY_TIMEOUT_MS = 5000;

/**
 * The embedded queue: SQLite in the state folder, in WAL mode so a server process and worker processes
 * on the same machine share it. Every write is one transaction; a claim is `BEGIN IMMEDIATE`, so two
 * workers never take the same job. `synchronous=NORMAL`: a committed delivery survives a crash or kill of
 * the process (what a restart or a deploy does), not a power cut of the machine.
 */
export class SqliteQueue implements DurableQueue {
  readonly backend = "sqlite";
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly wakers = new Set<() => void>();
  private readonly statements = new Map<Database.Database, Map<string, Database.Statement>>();
  /** accept's own connection, opened by the first delivery stored (the server's side). */
  private ingressDb: Database.Database | undefined;
  /** Runs this process works on, so a cancel in this process stops them at once. */
  private readonly local = new Map<string, AbortController>();

  constructor(
    private readonly path: string,
    private readonly options: DurableQueueOptions,
  ) {
    // Payloads and run requests are not for other users.
    this.db = openPrivateSqlite(path, BUSY_TIMEOUT_MS);
    this.db.exec(SCHEMA);
    this.now = options.now ?? Date.now;
  }

  /**
   * The one write GitHub's answer waits for. It never waits inside SQLite's busy handler, which sleeps on
   * the event loop and so stalls every other delivery this process is answering: it has a connection of
   * its own with the handler off, and while a worker holds the write lock it tries again on a timer.
   */
  async accept(delivery: Delivery, trigger?: string): Promise<Accepted> {
    const db = this.ingress();
    const store = db.transaction((): Accepted => {
      const now = this.now();
      if (trigger !== undefined && this.triggerOwner(db, trigger, delivery.id, now) !== delivery.id)
        return "claimed";
      const inserted = this.sql("INSERT OR IGNORE INTO deliveries (id, received_at) VALUES (?, ?)", db).run(
        delivery.id,
        now,
      );
      if (inserted.changes === 0) {
        // A delivery whose handling failed is taken again when GitHub redelivers it; any other is a repeat.
        const retried = this.sql(
          "UPDATE jobs SET state = 'waiting', finished_at = NULL, error = NULL WHERE id = ? AND state = 'failed'",
          db,
        ).run(`event:${delivery.id}`).changes;
        return retried > 0 ? "accepted" : "duplicate";
      }
      this.sql(
        "INSERT INTO jobs (id, queue, state, data, created_at) VALUES (?, 'events', 'waiting', ?, ?)",
        db,
      ).run(`event:${delivery.id}`, JSON.stringify(delivery), now);
      return "accepted";
    });
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        const stored = store.immediate();
        if (stored === "accepted") this.wake();
        return stored;
      } catch (err) {
        const busy = err instanceof Database.SqliteError && err.code.startsWith("SQLITE_BUSY");
        if (!busy || Date.now() > deadline) throw err;
      }
      // The first retry only yields; then a short pause, so the lock's holder gets the CPU.
      await new Promise((resolve) => (attempt === 0 ? setImmediate(resolve) : setTimeout(resolve, 1)));
    }
  }

  private ingress(): Database.Database {
    // An in-memory database is one connection's own: there is no other process to wait for.
    if (this.path === ":memory:") return this.db;
    if (!this.ingressDb) {
      const db = new Database(this.path);
      db.pragma("synchronous = NORMAL");
      db.pragma("busy_timeout = 0");
      // A checkpoint runs inside the commit that passes the threshold and waits for the disk, stalling
      // every answer behind it: the workers' connections (1,000 pages) do them; this one only as a
      // backstop, when no worker has written for a long while.
      db.pragma(`wal_autocheckpoint = ${INGRESS_CHECKPOINT_PAGES}`);
      this.ingressDb = db;
    }
    return this.ingressDb;
  }

  /** Statements are compiled once per connection: preparing one costs more than running it. */
  private sql(source: string, db = this.db): Database.Statement {
    let statements = this.statements.get(db);
    if (!statements) this.statements.set(db, (statements = new Map<string, Database.Statement>()));
    let statement = statements.get(source);
    if (!statement) statements.set(source, (statement = db.prepare(source)));
    return statement;
  }

  enqueue(request: RunRequest): Promise<EnqueueResult> {
    const thread = threadKey(request);
    const repo = repositoryKey(request);
    const writes = writesToRepository(request);
    const now = this.now();
    // IMMEDIATE: the transaction reads before it writes, and one begun as a read cannot wait for another
    // process's write lock (SQLite answers SQLITE_BUSY at once, whatever the busy timeout).
    const result = this.db
      .transaction((): EnqueueResult => {
        // The same run queued again (its delivery's handling was restarted): it is held once, as it was.
        if (this.sql("SELECT 1 FROM jobs WHERE id = ?").get(request.id) !== undefined)
          return { replaced: [], waitsForRepository: false };
        const waiting = this.sql(
          "SELECT id, data FROM jobs WHERE queue = 'runs' AND state = 'waiting' AND thread = ?",
        ).all(thread) as { id: string; data: string }[];
        this.sql(
          "UPDATE jobs SET state = 'replaced', finished_at = ? WHERE queue = 'runs' AND state = 'waiting' AND thread = ?",
        ).run(now, thread);
        const busy = writes
          ? this.sql(
              "SELECT 1 FROM jobs WHERE queue = 'runs' AND writes = 1 AND repo = ? AND state IN ('waiting', 'active') LIMIT 1",
            ).get(repo) !== undefined
          : false;
        this.sql(
          "INSERT INTO jobs (id, queue, thread, repo, writes, state, data, created_at) VALUES (?, 'runs', ?, ?, ?, 'waiting', ?, ?)",
        ).run(request.id, thread, repo, writes ? 1 : 0, JSON.stringify(request), now);
        return {
          replaced: waiting.map((w) => RunRequest.parse(JSON.parse(w.data))),
          waitsForRepository: busy,
        };
      })
      .immediate();
    this.wake();
    return Promise.resolve(result);
  }

  claimTrigger(key: string, deliveryId: string): Promise<boolean> {
    const owner = this.db.transaction(() => this.triggerOwner(this.db, key, deliveryId, this.now()))();
    return Promise.resolve(owner === deliveryId);
  }

  /** Inside a transaction: records `delivery` as the trigger's unless one is recorded; the one recorded. */
  private triggerOwner(db: Database.Database, key: string, delivery: string, now: number): string {
    this.sql("INSERT OR IGNORE INTO triggers (key, delivery, at) VALUES (?, ?, ?)", db).run(
      key,
      delivery,
      now,
    );
    return (this.sql("SELECT delivery FROM triggers WHERE key = ?", db).get(key) as { delivery: string })
      .delivery;
  }

  cancel(thread: string): Promise<boolean> {
    const ids = this.db.transaction(() => {
      const now = this.now();
      const waiting = this.sql(
        "UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE queue = 'runs' AND state = 'waiting' AND thread = ?",
      ).run(now, thread).changes;
      const active = this.sql(
        "UPDATE jobs SET cancel = 1 WHERE queue = 'runs' AND state = 'active' AND thread = ? RETURNING id",
      ).all(thread) as { id: string }[];
      return { waiting, active: active.map((a) => a.id) };
    })();
    for (const id of ids.active) this.local.get(id)?.abort(new Error("stopped on request"));
    return Promise.resolve(ids.waiting + ids.active.length > 0);
  }

  counts(): Promise<QueueCount[]> {
    const rows = this.sql(
      "SELECT queue, state, count(*) AS count FROM jobs WHERE state IN ('waiting', 'active', 'completed', 'failed') GROUP BY queue, state",
    ).all() as QueueCount[];
    return Promise.resolve(rows.map((r) => ({ queue: r.queue, state: r.state, count: r.count })));
  }

  ping(): Promise<void> {
    this.sql("SELECT 1").get();
    return Promise.resolve();
  }

  prune(before: Date): Promise<number> {
    const at = before.getTime();
    const removed = this.db.transaction(() => {
      const placeholders = FINISHED.map(() => "?").join(", ");
      return (
        this.sql(
          `DELETE FROM jobs WHERE state IN (${placeholders}) AND coalesce(finished_at, created_at) < ?`,
        ).run(...FINISHED, at).changes +
        this.sql("DELETE FROM deliveries WHERE received_at < ?").run(at).changes +
        this.sql("DELETE FROM triggers WHERE at < ?").run(at).changes
      );
    })();
    return Promise.resolve(removed);
  }

  work(handlers: QueueHandlers, options: WorkerOptions): QueueWorker {
    return new SqliteWorker(this, handlers, options, this.options);
  }

  close(): Promise<void> {
    this.ingressDb?.close();
    this.db.close();
    return Promise.resolve();
  }

  // The worker's side. Not part of DurableQueue: SqliteWorker is this class's helper.

  /** @internal */
  onWork(wake: () => void): () => void {
    this.wakers.add(wake);
    return () => this.wakers.delete(wake);
  }

  /** @internal Takes the oldest job a worker may start, after giving back the jobs of dead workers. */
  claim(worker: string, want: { events: boolean; runs: boolean }): { job?: JobRow; abandoned: RunRequest[] } {
    // Looked at first without the write lock, which an idle worker's poll would otherwise take five times
    // a second, making the server's acknowledgements wait for it.
    if (!this.claimable(want, this.now())) return { abandoned: [] };
    return this.db
      .transaction(() => {
        const now = this.now();
        const abandoned = this.recoverExpired(now);
        let job: JobRow | undefined;
        if (want.events) job = this.sql(NEXT_EVENT).get() as JobRow | undefined;
        if (!job && want.runs) job = this.sql(NEXT_RUN).get() as JobRow | undefined;
        if (job) {
          this.sql(
            "UPDATE jobs SET state = 'active', owner = ?, lease_until = ?, starts = starts + 1 WHERE id = ?",
          ).run(worker, now + this.options.leaseMs, job.id);
        }
        return { ...(job ? { job } : {}), abandoned };
      })
      .immediate();
  }

  private claimable(want: { events: boolean; runs: boolean }, now: number): boolean {
    return (
      this.sql("SELECT 1 FROM jobs WHERE state = 'active' AND lease_until < ? LIMIT 1").get(now) !==
        undefined ||
      (want.events && this.sql(NEXT_EVENT).get() !== undefined) ||
      (want.runs && this.sql(NEXT_RUN).get() !== undefined)
    );
  }

  private recoverExpired(now: number): RunRequest[] {
    const expired = this.sql(
      "SELECT id, queue, data, crashes FROM jobs WHERE state = 'active' AND lease_until < ?",
    ).all(now) as JobRow[];
    const abandoned: RunRequest[] = [];
    for (const job of expired) {
      const giveUp = job.crashes + 1 > this.options.maxRestarts;
      this.sql(
        `UPDATE jobs SET state = ?, owner = NULL, lease_until = NULL, crashes = crashes + 1,
             finished_at = ?, error = ? WHERE id = ?`,
      ).run(
        giveUp ? "failed" : "waiting",
        giveUp ? now : null,
        giveUp ? "its worker stopped too many times" : null,
        job.id,
      );
      this.options.log.warn(giveUp ? "abandoned a job whose workers died" : "took back a dead worker's job", {
        job: job.id,
        queue: job.queue,
      });
      if (giveUp && job.queue === "runs") abandoned.push(RunRequest.parse(JSON.parse(job.data)));
    }
    return abandoned;
  }

  /**
   * @internal Renews the leases of a worker's claims in one write; says of each whether the job is still
   * that claim's, and whether it was cancelled. A lease that already ran out is not renewed: the job may be
   * started again by any worker now.
   */
  heartbeat(claims: { owner: string; job: string }[]): { held: boolean; cancelled: boolean }[] {
    const now = this.now();
    const renew = this.sql(
      "UPDATE jobs SET lease_until = ? WHERE id = ? AND owner = ? AND state = 'active' AND lease_until >= ? RETURNING cancel",
    );
    return this.db.transaction(() =>
      claims.map(({ owner, job }) => {
        const row = renew.get(now + this.options.leaseMs, job, owner, now) as { cancel: number } | undefined;
        return { held: row !== undefined, cancelled: row?.cancel === 1 };
      }),
    )();
  }

  /** @internal */
  finish(worker: string, id: string, outcome: "completed" | "failed" | "requeued", error?: string): void {
    if (outcome === "requeued") {
      this.sql(
        "UPDATE jobs SET state = 'waiting', owner = NULL, lease_until = NULL WHERE id = ? AND owner = ? AND state = 'active'",
      ).run(id, worker);
    } else {
      this.sql(
        "UPDATE jobs SET state = ?, owner = NULL, lease_until = NULL, finished_at = ?, error = ? WHERE id = ? AND owner = ? AND state = 'active'",
      ).run(outcome, this.now(), error ?? null, id, worker);
    }
    this.wake();
  }

  /** @internal */
  trackLocal(id: string, controller: AbortController): () => void {
    this.local.set(id, controller);
    // A later claim of the same job (after this one lost its lease) keeps its own entry.
    return () => {
      if (this.local.get(id) === controller) this.local.delete(id);
    };
  }

  private wake(): void {
    for (const wake of this.wakers) wake();
  }
}

/**
 * One worker over a SqliteQueue: polls for jobs it may take, renews their leases, gives them back on stop.
 * Each claim is owned under a name of its own (the worker's id and a count), so a job this worker takes
 * again after losing its lease is never mistaken for the claim that lost it.
 */
class SqliteWorker implements QueueWorker {
  private readonly id = `${process.pid}-${randomUUID()}`;
  private claims = 0;
  /** Keyed by the claim's owner name. */
  private readonly running = new Map<
    string,
    { job: string; queue: QueueName; controller: AbortController; done: Promise<void>; renewedAt: number }
  >();
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly queue: SqliteQueue,
    private readonly handlers: QueueHandlers,
    private readonly options: WorkerOptions,
    private readonly settings: DurableQueueOptions,
  ) {
    this.unsubscribe = queue.onWork(() => this.schedule(0));
    this.heartbeat = setInterval(
      () => this.renew(),
      Math.min(HEARTBEAT_MS, Math.max(10, settings.leaseMs / 3)),
    );
    this.heartbeat.unref();
    this.schedule(0);
  }

  async stop(drainMs: number): Promise<{ requeued: number }> {
    this.stopping = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    const all = (): Promise<unknown> => Promise.all([...this.running.values()].map((r) => r.done));
    const drained = await Promise.race([all().then(() => true), delay(drainMs).then(() => false)]);
    let requeued = 0;
    if (!drained) {
      for (const [, job] of this.running) {
        job.controller.abort(new RunRequeued());
        requeued++;
      }
      await Promise.race([all(), delay(GIVE_BACK_MS)]);
    }
    clearInterval(this.heartbeat);
    return { requeued };
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    // Not unref'd: a worker keeps its process alive until it is stopped.
    this.timer = setTimeout(() => this.fill(), ms);
  }

  private fill(): void {
    this.timer = undefined;
    if (this.stopping) return;
    // Leases first: after a blocked event loop, a run whose lease ran out stops before anything is taken.
    for (const owner of this.running.keys()) this.expire(owner);
    for (;;) {
      const busy = (q: QueueName): number => [...this.running.values()].filter((r) => r.queue === q).length;
      const want = {
        events: busy("events") < this.options.eventConcurrency,
        runs: busy("runs") < this.options.runConcurrency,
      };
      if (!want.events && !want.runs) break;
      const owner = `${this.id}/${++this.claims}`;
      let claimed: ReturnType<SqliteQueue["claim"]>;
      try {
        claimed = this.queue.claim(owner, want);
      } catch (err) {
        // A locked or unreachable database: try again later rather than crash the process.
        this.settings.log.error("could not read the queue", { error: (err as Error)?.message });
        break;
      }
      for (const request of claimed.abandoned) this.abandon(request);
      if (!claimed.job) break;
      this.start(owner, claimed.job);
    }
    this.schedule(POLL_MS);
  }

  private start(owner: string, job: JobRow): void {
    const controller = new AbortController();
    const untrack = job.queue === "runs" ? this.queue.trackLocal(job.id, controller) : undefined;
    // Recorded before the handler starts: the lease counts from the claim, even if the handler blocks.
    const claim = {
      job: job.id,
      queue: job.queue,
      controller,
      done: Promise.resolve(),
      renewedAt: Date.now(),
    };
    this.running.set(owner, claim);
    claim.done = this.execute(owner, job, controller.signal).finally(() => {
      this.running.delete(owner);
      untrack?.();
      this.schedule(0);
    });
  }

  private async execute(owner: string, job: JobRow, signal: AbortSignal): Promise<void> {
    let outcome: { failed?: string } = {};
    try {
      if (job.queue === "events") await this.handlers.event(JSON.parse(job.data) as Delivery, signal);
      else await this.handlers.run(RunRequest.parse(JSON.parse(job.data)), job.starts, signal);
    } catch (err) {
      outcome = { failed: (err as Error)?.message ?? String(err) };
    }
    // Checked again at the end: a run that finished after its lease ran out is the next holder's now.
    this.expire(owner);
    if (signal.reason instanceof LeaseLost) {
      this.settings.log.warn("stopped a run whose lease was lost; it is another worker's now", {
        job: job.id,
        reason: signal.reason.message,
      });
      return;
    }
    if (outcome.failed === undefined) return this.queue.finish(owner, job.id, "completed");
    if (signal.reason instanceof RunRequeued) return this.queue.finish(owner, job.id, "requeued");
    this.settings.log.error(`a ${job.queue === "events" ? "delivery" : "run"} failed`, {
      job: job.id,
      error: outcome.failed,
    });
    this.queue.finish(owner, job.id, "failed", outcome.failed);
  }

  /** Stops a claim not renewed within its lease (the event loop was blocked, the database unreachable). */
  private expire(owner: string): boolean {
    const claim = this.running.get(owner);
    if (!claim || Date.now() - claim.renewedAt <= this.settings.leaseMs) return false;
    claim.controller.abort(new LeaseLost("it was not renewed in time"));
    return true;
  }

  private renew(): void {
    const live = [...this.running].filter(
      ([owner, c]) => !c.controller.signal.aborted && !this.expire(owner),
    );
    if (live.length === 0) return;
    let renewed: ReturnType<SqliteQueue["heartbeat"]>;
    try {
      renewed = this.queue.heartbeat(live.map(([owner, claim]) => ({ owner, job: claim.job })));
    } catch (err) {
      this.settings.log.warn("could not renew leases", {
        jobs: live.map(([, claim]) => claim.job),
        error: (err as Error)?.message,
      });
      return;
    }
    live.forEach(([, claim], i) => {
      const { held, cancelled } = renewed[i]!;
      if (!held) claim.controller.abort(new LeaseLost("another worker may hold it now"));
      else if (cancelled) claim.controller.abort(new Error("stopped on request"));
      else claim.renewedAt = Date.now();
    });
  }

  private abandon(request: RunRequest): void {
    void this.handlers.abandoned(request).catch((err: unknown) =>
      this.settings.log.warn("could not report an abandoned run", {
        run: request.id,
        error: (err as Error)?.message,
      }),
    );
  }
}

/** Ref'd on purpose: a stopping worker's process must live until its runs are given back. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
