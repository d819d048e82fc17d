import type { RunRequest } from "../../request/run-request.js";

/** A verified webhook delivery, as GitHub sent it. */
export interface Delivery {
  /** X-GitHub-Delivery: kept across redeliveries, so it is the idempotency key. */
  id: string;
  name: string;
  payload: unknown;
}

export const QUEUE_NAMES = ["events", "runs"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
export const JOB_STATES = ["waiting", "active", "delayed", "completed", "failed"] as const;
export type JobState = (typeof JOB_STATES)[number];
export interface QueueCount {
  queue: QueueName;
  state: JobState;
  count: number;
}

export type Accepted = "accepted" | "duplicate" | "claimed";

export interface EnqueueResult {
  /** Requests that were waiting on the same thread and are dropped for this newer one. */
  replaced: RunRequest[];
  /** The run must wait for another write run on its repository. */
  waitsForRepository: boolean;
}

/** Handlers a worker calls; each must stop promptly when its signal aborts. */
export interface QueueHandlers {
  event(delivery: Delivery, signal: AbortSignal): Promise<void>;
  /** `restarts`: how many times the run started before and did not finish (its worker died or drained). */
  run(request: RunRequest, restarts: number, signal: AbortSignal): Promise<void>;
  /** A run whose workers died more than `maxRestarts` times: it will not be tried again. */
  abandoned(request: RunRequest): Promise<void>;
}

export interface WorkerOptions {
  /** Deliveries handled at once by this worker (config loading, acknowledgement: short, network-bound). */
  eventConcurrency: number;
  /** Runs at once on this worker. */
  runConcurrency: number;
}

export interface QueueWorker {
  /**
   * Stops taking work, lets what runs finish for up to `drainMs`, then stops the rest and puts them
   * back in the queue for another worker (they start again from a fresh workspace).
   */
  stop(drainMs: number): Promise<{ requeued: number }>;
}

export interface QueueLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The reason a worker stops a run it is giving back: the executor leaves the tracking comment as it is. */
export class RunRequeued extends Error {
  constructor() {
    super("the worker is stopping; the run goes back to the queue");
    this.name = "RunRequeued";
  }
}

/**
 * The reason a worker stops a run whose lease it could not renew (its event loop was blocked, the store
 * was unreachable, or another worker holds the job now): the run belongs to whoever holds the lease, so
 * this worker posts, pushes and records nothing more for it.
 */
export class LeaseLost extends Error {
  constructor(why: string) {
    super(`the worker lost its lease on this run: ${why}`);
    this.name = "LeaseLost";
  }
}

/** Whether a run was stopped to be carried on elsewhere (requeued or lease lost): nothing is reported. */
export function handedOver(reason: unknown): reason is RunRequeued | LeaseLost {
  return reason instanceof RunRequeued || reason instanceof LeaseLost;
}

/**
 * Where deliveries and runs wait, durably, for any worker in any process: SQLite in the state folder
 * (one machine), or BullMQ on Redis (many). Both hold the same promises, checked by one contract test:
 * a delivery is stored before GitHub is answered and handled once; one run active and one waiting per
 * thread, the newer replacing the waiting one; one write run per repository; a run whose worker dies is
 * started again once its lease expires, at most `maxRestarts` times.
 */
export interface DurableQueue {
  readonly backend: "sqlite" | "redis";
  /**
   * Stores a delivery to be handled and, when it has one, claims its trigger for it, in one write: what
   * GitHub's answer waits for. "duplicate" when this delivery id was stored before, "claimed" when another
   * delivery claimed the trigger (nothing is stored then).
   */
  accept(delivery: Delivery, trigger?: string): Promise<Accepted>;
  /** Queues a run; the same run id queued again is left as it is (nothing replaced, nothing added). */
  enqueue(request: RunRequest): Promise<EnqueueResult>;
  claimTrigger(key: string, deliveryId: string): Promise<boolean>;
  /** Drops the waiting run on a thread and stops its active one, on whatever worker holds it. */
  cancel(threadKey: string): Promise<boolean>;
  counts(): Promise<QueueCount[]>;
  /** Throws, saying why, when the store cannot be reached. */
  ping(): Promise<void>;
  /** Forgets finished jobs, deliveries and trigger records older than `before`; returns how many. */
  prune(before: Date): Promise<number>;
  work(handlers: QueueHandlers, options: WorkerOptions): QueueWorker;
  close(): Promise<void>;
}

export interface DurableQueueOptions {
  /** How long a worker's claim on a job lasts without renewal; a dead worker's jobs wait this long. */
  leaseMs: number;
  /** Restarts after a worker died before the run is abandoned. */
  maxRestarts: number;
  log: QueueLog;
  now?: () => number;
}

export function outstanding(counts: QueueCount[]): number {
  return counts
    .filter((c) => c.state === "waiting" || c.state === "active" || c.state === "delayed")
    .reduce((sum, c) => sum + c.count, 0);
}
