import { EventEmitter } from "node:events";
import type Database from "better-sqlite3";
import { openPrivateSqlite } from "../open-private-sqlite.js";
import { z } from "zod";
import { TimelineEntry } from "./timeline.js";

// The runs the run page and the dashboard show: one row per run, its timeline as numbered entries.
// SQLite in the state folder, beside the queue's file, in WAL mode so the server process reads what
// worker processes on the same machine write. No page token is kept: tokens are derived from a key
// (page-token.ts), so a copy of the file opens no page.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  repo TEXT NOT NULL,
  thread INTEGER,
  thread_key TEXT NOT NULL,
  kind TEXT NOT NULL,
  author TEXT NOT NULL,
  instruction TEXT NOT NULL,
  state TEXT NOT NULL,
  outcome TEXT,
  headline TEXT,
  cost_usd REAL NOT NULL DEFAULT 0,
  report TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_time ON runs (created_at);
CREATE TABLE IF NOT EXISTS entries (
  run TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (run, seq)
);
`;

export const RUN_STATES = ["queued", "running", "finished", "dropped"] as const;
export const RunState = z.enum(RUN_STATES);
export type RunState = z.infer<typeof RunState>;

/** What is known of a run before it starts, as the front door queues it (already redacted). */
export const NewRun = z.object({
  id: z.string().min(1),
  repository: z.string(),
  thread: z.number().optional(),
  threadKey: z.string(),
  kind: z.string(),
  author: z.string(),
  instruction: z.string(),
});
export type NewRun = z.infer<typeof NewRun>;

/** What a run ended with, for its page: the report's parts that say what it produced (redacted). */
export const RunSummary = z.object({
  outcome: z.string(),
  headline: z.string(),
  details: z.string().optional(),
  branch: z.string().optional(),
  pullRequest: z.object({ number: z.number(), url: z.string() }).optional(),
  links: z.array(z.object({ label: z.string(), url: z.string() })),
  tests: z.string().optional(),
  sandbox: z.string().optional(),
  notes: z.array(z.string()).optional(),
  turns: z.number().optional(),
  costUsd: z.number().optional(),
  costKnown: z.boolean().optional(),
  verification: z.string().optional(),
  elapsedMs: z.number(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const RunRecord = NewRun.extend({
  state: RunState,
  outcome: z.string().optional(),
  headline: z.string().optional(),
  costUsd: z.number(),
  summary: RunSummary.optional(),
  createdAt: z.number(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  expiresAt: z.number(),
});
export type RunRecord = z.infer<typeof RunRecord>;

export interface StoredEntry {
  seq: number;
  at: number;
  entry: TimelineEntry;
}

export interface RunFilter {
  repository?: string;
  kind?: string;
  outcome?: string;
  state?: RunState;
  limit?: number;
}

export interface DailyCost {
  repository: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  costUsd: number;
}

interface RunRow {
  id: string;
  repo: string;
  thread: number | null;
  thread_key: string;
  kind: string;
  author: string;
  instruction: string;
  state: string;
  outcome: string | null;
  headline: string | null;
  cost_usd: number;
  report: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  expires_at: number;
}

export interface RunStoreOptions {
  /** How long a run's page and record are kept (PATCHWRIGHT_RETENTION_DAYS), as the transcripts are. */
  retentionMs: number;
  now?: () => number;
}

/**
 * The run log: written by the front door (a run queued, its page token) and by the executor (the
 * timeline, the report); read by the run page and the dashboard. `appended` fires in this process for
 * each new entry, so a page served here sees it at once; pages served by another process poll.
 */
export class RunStore {
  readonly appended = new EventEmitter<{ entry: [run: string] }>();
  private readonly db: Database.Database;
  private readonly now: () => number;

  constructor(
    path: string,
    private readonly options: RunStoreOptions,
  ) {
    // What people asked and what tools printed, redacted or not, is not for other users of the machine.
    this.db = openPrivateSqlite(path, 5000);
    this.db.exec(SCHEMA);
    this.now = options.now ?? Date.now;
    this.appended.setMaxListeners(0);
  }

  /** Records a queued run; a run recorded before is left as it is. */
  create(run: NewRun): void {
    const r = NewRun.parse(run);
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO runs (id, repo, thread, thread_key, kind, author, instruction, state, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(
        r.id,
        r.repository.toLowerCase(),
        r.thread ?? null,
        r.threadKey,
        r.kind,
        r.author,
        r.instruction,
        now,
        now + this.options.retentionMs,
      );
  }

  /** Forgets a run that will not happen (its trigger turned out to be a duplicate). */
  discard(id: string): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM entries WHERE run = ?").run(id);
      this.db.prepare("DELETE FROM runs WHERE id = ?").run(id);
    })();
  }

  /** The run, while its page lives (until the retention passes); undefined when unknown or expired. */
  get(id: string): RunRecord | undefined {
    const row = this.db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as RunRow | undefined;
    return row && row.expires_at > this.now() ? toRecord(row) : undefined;
  }

  started(id: string, text: string): void {
    this.db
      .prepare("UPDATE runs SET state = 'running', started_at = coalesce(started_at, ?) WHERE id = ?")
      .run(this.now(), id);
    this.append(id, { type: "status", text });
  }

  append(id: string, entry: TimelineEntry): void {
    const parsed = TimelineEntry.parse(entry);
    // IMMEDIATE: it reads the next number before it writes, and a transaction begun as a read cannot
    // wait for another process's write lock (SQLITE_BUSY at once: a worker's timeline lost its entries).
    this.db
      .transaction(() => {
        const next = this.db
          .prepare("SELECT coalesce(max(seq), 0) + 1 AS seq FROM entries WHERE run = ?")
          .get(id) as { seq: number };
        this.db
          .prepare("INSERT INTO entries (run, seq, at, data) VALUES (?, ?, ?, ?)")
          .run(id, next.seq, this.now(), JSON.stringify(parsed));
        if (parsed.type === "cost")
          this.db.prepare("UPDATE runs SET cost_usd = ? WHERE id = ?").run(parsed.costUsd, id);
      })
      .immediate();
    this.appended.emit("entry", id);
  }

  finished(id: string, summary: RunSummary): void {
    const s = RunSummary.parse(summary);
    this.db
      .prepare(
        `UPDATE runs SET state = 'finished', outcome = ?, headline = ?, report = ?, finished_at = ?,
           cost_usd = max(cost_usd, ?) WHERE id = ?`,
      )
      .run(s.outcome, s.headline, JSON.stringify(s), this.now(), s.costUsd ?? 0, id);
    this.append(id, { type: "report", outcome: s.outcome, headline: s.headline });
  }

  /** A run that ends without running (replaced, cancelled while it waited, given up after restarts). */
  dropped(id: string, outcome: string, sentence: string): void {
    this.db
      .prepare(
        "UPDATE runs SET state = 'dropped', outcome = ?, headline = ?, finished_at = ? WHERE id = ? AND state <> 'finished'",
      )
      .run(outcome, sentence, this.now(), id);
    this.append(id, { type: "report", outcome, headline: sentence });
  }

  /** The queued runs on a thread: a cancel drops them. */
  queuedOn(threadKey: string): string[] {
    return (
      this.db.prepare("SELECT id FROM runs WHERE thread_key = ? AND state = 'queued'").all(threadKey) as {
        id: string;
      }[]
    ).map((r) => r.id);
  }

  entriesAfter(id: string, seq: number, limit = 500): StoredEntry[] {
    const rows = this.db
      .prepare("SELECT seq, at, data FROM entries WHERE run = ? AND seq > ? ORDER BY seq LIMIT ?")
      .all(id, seq, limit) as { seq: number; at: number; data: string }[];
    return rows.map((r) => ({ seq: r.seq, at: r.at, entry: TimelineEntry.parse(JSON.parse(r.data)) }));
  }

  list(filter: RunFilter = {}): RunRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const column = { repository: "repo", kind: "kind", outcome: "outcome", state: "state" } as const;
    for (const key of ["repository", "kind", "outcome", "state"] as const) {
      const value = filter[key];
      if (!value) continue;
      where.push(`${column[key]} = ?`);
      args.push(key === "repository" ? value.toLowerCase() : value);
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      )
      .all(...args, filter.limit ?? 200) as RunRow[];
    return rows.map(toRecord);
  }

  countsByState(): Record<RunState, number> {
    const counts = { queued: 0, running: 0, finished: 0, dropped: 0 };
    const rows = this.db.prepare("SELECT state, count(*) AS n FROM runs GROUP BY state").all() as {
      state: RunState;
      n: number;
    }[];
    for (const row of rows) if (row.state in counts) counts[row.state] = row.n;
    return counts;
  }

  /** What runs cost per repository and day (UTC) over the last `days` days, oldest first. */
  dailyCosts(days: number): DailyCost[] {
    const since = this.now() - days * 24 * 3600_000;
    return this.db
      .prepare(
        `SELECT repo AS repository, strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, sum(cost_usd) AS costUsd
         FROM runs WHERE created_at >= ? GROUP BY repo, day ORDER BY day, repo`,
      )
      .all(since) as DailyCost[];
  }

  repositories(): string[] {
    return (this.db.prepare("SELECT DISTINCT repo FROM runs ORDER BY repo").all() as { repo: string }[]).map(
      (r) => r.repo,
    );
  }

  /** Forgets runs created before `before`, with their timelines; returns how many. */
  prune(before: Date): number {
    return this.db.transaction(() => {
      this.db
        .prepare("DELETE FROM entries WHERE run IN (SELECT id FROM runs WHERE created_at < ?)")
        .run(before.getTime());
      return this.db.prepare("DELETE FROM runs WHERE created_at < ?").run(before.getTime()).changes;
    })();
  }

  close(): void {
    this.appended.removeAllListeners();
    this.db.close();
  }
}

function toRecord(row: RunRow): RunRecord {
  return RunRecord.parse({
    id: row.id,
    repository: row.repo,
    ...(row.thread !== null ? { thread: row.thread } : {}),
    threadKey: row.thread_key,
    kind: row.kind,
    author: row.author,
    instruction: row.instruction,
    state: row.state,
    ...(row.outcome !== null ? { outcome: row.outcome } : {}),
    ...(row.headline !== null ? { headline: row.headline } : {}),
    costUsd: row.cost_usd,
    ...(row.report !== null ? { summary: JSON.parse(row.report) as unknown } : {}),
    createdAt: row.created_at,
    ...(row.started_at !== null ? { startedAt: row.started_at } : {}),
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    expiresAt: row.expires_at,
  });
}
