import type Database from "better-sqlite3";
import { openPrivateSqlite } from "../open-private-sqlite.js";
import type { Accepted, Delivery, QueueLog } from "./durable-queue.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS inbox (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  trigger TEXT,
  received_at INTEGER NOT NULL
);`;

/** Deliveries held at most while the queue does not take them; beyond it GitHub is answered 500. */
const CAPACITY = 10_000;
/** Deliveries handed to the queue at once (their commands leave together). */
const BATCH = 64;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 30_000;
// As the SQLite queue's ingress connection: a checkpoint runs inside the commit that passes the threshold
// and waits for the disk, so the commits GitHub's answers wait for pass it rarely (about 40 MiB of WAL).
const CHECKPOINT_PAGES = 10_000;
// Only the server writes here; another server sharing the state folder is the one contender.
const BUSY_TIMEOUT_MS = 1000;

export interface DeliveryInboxOptions {
  /** Stores a delivery in the shared queue (the Redis queue's accept): what the answer waited for before. */
  forward(delivery: Delivery, trigger: string | undefined): Promise<Accepted>;
  /** What the queue made of a delivery once it took it ("claimed": another delivery has its trigger). */
  onForwarded?(delivery: Delivery, trigger: string | undefined, result: Accepted): void;
  log: QueueLog;
  capacity?: number;
}

interface Held {
  seq: number;
  delivery: Delivery;
  trigger: string | undefined;
}

/**
 * The server's own inbox in front of the Redis queue: a verified delivery is written to a SQLite file in
 * the state folder (one local commit, no round trip), GitHub is answered, and the delivery is handed to
 * Redis right after, in the order received (one that Redis refuses while it takes others is tried again
 * after them). A server killed in between hands over what it held when it starts again, so a delivery is
 * still stored before the answer; only the answer no longer waits for Redis, nor for the CPU that Redis
 * and busy workers share with the server. Redis still decides what is a duplicate and which delivery
 * claims a trigger (across servers); the inbox knows only the deliveries it holds. While Redis cannot be
 * reached it keeps them, up to `capacity`.
 */
export class DeliveryInbox {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly capacity: number;
  /** What is in the file, in order, with the payloads as received (forwarding parses nothing). */
  private held: Held[] = [];
  private forwarding = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = 0;
  private accepting = true;
  private closed = false;
  private readonly emptied: (() => void)[] = [];

  constructor(
    path: string,
    private readonly options: DeliveryInboxOptions,
  ) {
    // Payloads are not for other users; a commit survives a crash or kill of the server.
    this.db = openPrivateSqlite(path, BUSY_TIMEOUT_MS);
    this.db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      "INSERT OR IGNORE INTO inbox (id, name, payload, trigger, received_at) VALUES (?, ?, ?, ?, ?)",
    );
    this.remove = this.db.prepare("DELETE FROM inbox WHERE seq = ?");
    this.capacity = options.capacity ?? CAPACITY;
    this.held = this.load();
    if (this.held.length > 0) {
      options.log.info("handing deliveries held before a restart to the queue", { held: this.held.length });
      this.kick();
    }
  }

  /** Deliveries stored here that the queue has not taken yet. */
  get size(): number {
    return this.held.length;
  }

  /** Whether a delivery would be refused for want of room. */
  get full(): boolean {
    return this.held.length >= this.capacity;
  }

  /**
   * Stores a verified delivery, in one local commit: "duplicate" when a delivery with its id is held
   * already. Throws when the inbox is full or closed, or the file cannot be written (GitHub is then
   * answered 500 and records a failed delivery, which reconciliation asks again for).
   */
  take(delivery: Delivery, trigger?: string): "accepted" | "duplicate" {
    if (!this.accepting) throw new Error("the delivery inbox is closed: the server is stopping");
    if (this.full)
      throw new Error(
        `the delivery inbox holds ${this.held.length} deliveries the queue has not taken: is Redis reachable?`,
      );
    const { changes, lastInsertRowid } = this.insert.run(
      delivery.id,
      delivery.name,
      JSON.stringify(delivery.payload),
      trigger ?? null,
      Date.now(),
    );
    if (changes === 0) return "duplicate";
    this.held.push({ seq: Number(lastInsertRowid), delivery, trigger });
    this.kick();
    return "accepted";
  }

  /** Resolves once the queue has taken every delivery held (tests, the App's idle). */
  drained(): Promise<void> {
    if (this.held.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptied.push(resolve));
  }

  /**
   * Takes no more deliveries, hands what it holds to the queue for up to `deadlineMs`, and closes the
   * file; what is left is handed over at the next start. Returns how many were left.
   */
  async close(deadlineMs: number): Promise<number> {
    this.accepting = false;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.kick();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.drained(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs))),
    ]);
    clearTimeout(timer);
    const left = this.held.length;
    if (left > 0)
      this.options.log.warn("deliveries stay in the inbox until the server starts again", { held: left });
    this.closed = true;
    this.db.close();
    return left;
  }

  private load(): Held[] {
    const rows = this.db.prepare("SELECT seq, id, name, payload, trigger FROM inbox ORDER BY seq").all() as {
      seq: number;
      id: string;
      name: string;
      payload: string;
      trigger: string | null;
    }[];
    return rows.map((row) => ({
      seq: row.seq,
      delivery: { id: row.id, name: row.name, payload: JSON.parse(row.payload) as unknown },
      trigger: row.trigger ?? undefined,
    }));
  }

  /** Starts handing deliveries over after the current tick (the answer is written first). */
  private kick(): void {
    if (this.forwarding || this.retryTimer || this.closed || this.held.length === 0) return;
    this.forwarding = true;
    setImmediate(() => void this.forwardAll());
  }

  private async forwardAll(): Promise<void> {
    try {
      while (this.held.length > 0 && !this.closed) {
        // A batch of which nothing was taken means the queue is unreachable: wait. One delivery the queue
        // refuses while it takes others is tried again with the next batch, and holds up nothing.
        if ((await this.forwardBatch(this.held.slice(0, BATCH))) === 0) {
          this.retryLater();
          return;
        }
      }
    } finally {
      this.forwarding = false;
    }
  }

  /** Hands a batch to the queue; how many it took (what it did not stays, in order). */
  private async forwardBatch(batch: Held[]): Promise<number> {
    const results = await Promise.allSettled(
      batch.map((held) => this.options.forward(held.delivery, held.trigger)),
    );
    const taken = new Set<number>();
    let failure: unknown;
    results.forEach((result, i) => {
      const held = batch[i]!;
      if (result.status === "rejected") {
        failure ??= result.reason;
        return;
      }
      taken.add(held.seq);
      try {
        this.options.onForwarded?.(held.delivery, held.trigger, result.value);
      } catch (err) {
        this.options.log.error("could not record what became of a delivery", {
          delivery: held.delivery.id,
          error: errorMessage(err),
        });
      }
    });
    if (taken.size > 0) {
      this.held = this.held.filter((held) => !taken.has(held.seq));
      this.forget(taken);
      if (this.held.length === 0) for (const resolve of this.emptied.splice(0)) resolve();
    }
    if (failure !== undefined) {
      if (this.retryMs === 0)
        this.options.log.warn("could not hand deliveries to the queue; they stay in the inbox", {
          held: this.held.length,
          error: errorMessage(failure),
        });
    } else if (this.retryMs > 0) {
      this.options.log.info("the queue takes deliveries again", { held: this.held.length });
      this.retryMs = 0;
    }
    return taken.size;
  }

  /** Deletes what the queue took; a delete that fails leaves rows the next start hands over again. */
  private forget(seqs: Set<number>): void {
    if (this.closed) return;
    try {
      this.db.transaction(() => {
        for (const seq of seqs) this.remove.run(seq);
      })();
    } catch (err) {
      this.options.log.warn("could not clear deliveries the queue took from the inbox", {
        error: errorMessage(err),
      });
    }
  }

  private retryLater(): void {
    if (this.closed) return;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs === 0 ? RETRY_FIRST_MS : this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, this.retryMs);
    this.retryTimer.unref();
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
