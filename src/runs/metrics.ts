import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { RunKind } from "../request/run-request.js";
import { JOB_STATES, QUEUE_NAMES, type QueueCount } from "./queue/durable-queue.js";
import type { RunOutcome } from "./report.js";

/**
 * Label values are chosen from these lists; anything else is counted as "other". A label takes its value
 * from events, jobs and GitHub's headers, so an unbounded one would let a hostile payload mint a new
 * series per request. Nothing a person wrote (repository names, text, tokens) is ever a label.
 */
const OTHER = "other";
export const RUN_KINDS: readonly string[] = RunKind.options;
// A Record, so a new RunOutcome fails to compile until it is listed here.
const OUTCOME_LISTED: Record<RunOutcome, true> = {
  pr_opened: true,
  pushed: true,
  answered: true,
  planned: true,
  patch: true,
  reviewed: true,
  review_skipped: true,
  no_changes: true,
  blocked: true,
  refused: true,
  limit: true,
  waiting: true,
  skipped: true,
  failed: true,
  stopped: true,
};
export const RUN_OUTCOMES = Object.keys(OUTCOME_LISTED) as readonly RunOutcome[];
/**
 * Where the leak guard stopped something leaving: a push (a run's change), a comment withheld, a pull
 * request's body or title withheld, a review withheld, a failed leak guard check run.
 */
export const GUARD_SURFACES = ["push", "comment", "pull_request", "review", "check_run"] as const;
/** GitHub's rate-limit resources (`x-ratelimit-resource`, `GET /rate_limit`). */
export const RATE_LIMIT_RESOURCES = [
  "core",
  "graphql",
  "search",
  "code_search",
  "source_import",
  "integration_manifest",
  "actions_runner_registration",
  "scim",
  "dependency_snapshots",
  "dependency_sbom",
  "code_scanning_upload",
  "code_scanning_autofix",
  "audit_log",
] as const;
export const ACK_OUTCOMES = ["accepted", "refused", "error"] as const;

/** The queue's job counts, asked at each scrape. */
export type QueueCounts = () => Promise<QueueCount[]>;

export interface MetricsOptions {
  /** Where the series are registered; a new Registry by default (never prom-client's global one). */
  registry?: Registry;
  queueCounts?: QueueCounts;
  /** How long a scrape waits for `queueCounts` before leaving the queue gauge unset; default 2,000. */
  queueCountsTimeoutMs?: number;
}

/** Every method is a bound function: pass `metrics.ackObserved` or `metrics.render` on as they are. */
export interface Metrics {
  readonly registry: Registry;
  /** Replaces the queue-count callback (the queue is built after the metrics); undefined removes it. */
  setQueueCounts: (fn: QueueCounts | undefined) => void;
  /** Reads how many deliveries the server's inbox holds for the queue (delivery-inbox.ts). */
  setInboxSize: (fn: (() => number) | undefined) => void;
  /** A run ended: `kind` a RunKind, `outcome` a RunOutcome, `seconds` its duration. */
  runFinished: (kind: string, outcome: string, seconds: number) => void;
  /** What a run's model calls cost, in US dollars, added as they are known. */
  modelCost: (kind: string, usd: number) => void;
  /** The leak guard stopped something leaving (`surface` one of GUARD_SURFACES). */
  guardBlock: (surface: string) => void;
  /** GitHub's latest `x-ratelimit-remaining` for a resource. */
  rateLimit: (resource: string, remaining: number) => void;
  /** A webhook POST was answered: `outcome` accepted, refused or error; `seconds` from request to response. */
  ackObserved: (outcome: string, seconds: number) => void;
  /** A run was started again after its worker's lease ran out. */
  runRestarted: () => void;
  /** The Prometheus text exposition of every series. */
  render: () => Promise<{ contentType: string; body: string }>;
}

const PREFIX = "patchwright_";
const RUN_SECONDS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
const ACK_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  const timeoutMs = options.queueCountsTimeoutMs ?? 2_000;
  let queueCounts = options.queueCounts;

  collectDefaultMetrics({ register: registry, prefix: PREFIX });

  // This scrape's read of the queue. The two counters it may add to are registered after the gauge, and
  // prom-client starts collectors in that order: they wait for it, so a scrape shows its own failures.
  let reading: Promise<void> = Promise.resolve();
  new Gauge({
    name: `${PREFIX}queue_jobs`,
    help: "Jobs in each queue by state, read at scrape time; absent when the queue could not be read.",
    labelNames: ["queue", "state"],
    registers,
    async collect() {
      reading = readQueue(this);
      await reading;
    },
  });
  const collectErrors = new Counter({
    name: `${PREFIX}metrics_collect_errors_total`,
    help: "Scrapes at which the queue's job counts could not be read (failed or took too long).",
    registers,
    collect: () => reading,
  });
  const dropped = new Counter({
    name: `${PREFIX}metrics_dropped_total`,
    help: "Observations not recorded because their number was negative or not finite.",
    labelNames: ["metric"],
    registers,
    collect: () => reading,
  });
  /** prom-client throws on NaN, infinities and negative increments; a metric must never break a run. */
  const usable = (metric: string, value: number): boolean => {
    if (Number.isFinite(value) && value >= 0) return true;
    dropped.inc({ metric });
    return false;
  };
  const readQueue = async (gauge: Gauge<"queue" | "state">): Promise<void> => {
    const read = queueCounts;
    let counts: QueueCount[] | undefined;
    if (read) {
      try {
        counts = await within(read(), timeoutMs);
      } catch {
        collectErrors.inc();
      }
    }
    // Set only after the read, in one go: a failed read leaves no stale numbers behind.
    gauge.reset();
    for (const { queue, state, count } of counts ?? []) {
      if (!usable("queue_jobs", count)) continue;
      gauge.inc({ queue: bounded(QUEUE_NAMES, queue), state: bounded(JOB_STATES, state) }, count);
    }
  };
  const runs = new Counter({
    name: `${PREFIX}runs_total`,
    help: "Runs finished, by kind and outcome.",
    labelNames: ["kind", "outcome"],
    registers,
  });
  const runSeconds = new Histogram({
    name: `${PREFIX}run_duration_seconds`,
    help: "How long runs took, by kind and outcome.",
    labelNames: ["kind", "outcome"],
    buckets: RUN_SECONDS,
    registers,
  });
  const cost = new Counter({
    name: `${PREFIX}model_cost_usd_total`,
    help: "What the model calls of runs cost, in US dollars, by run kind.",
    labelNames: ["kind"],
    registers,
  });
  const guardBlocks = new Counter({
    name: `${PREFIX}guard_blocks_total`,
    help: "Times the leak guard stopped something leaving, by surface.",
    labelNames: ["surface"],
    registers,
  });
  const rateRemaining = new Gauge({
    name: `${PREFIX}github_rate_limit_remaining`,
    help: "Requests GitHub said were left in the current window, by rate-limit resource.",
    labelNames: ["resource"],
    registers,
  });
  const ackSeconds = new Histogram({
    name: `${PREFIX}webhook_ack_seconds`,
    help: "Time from a webhook POST arriving to its answer, by outcome.",
    labelNames: ["outcome"],
    buckets: ACK_SECONDS,
    registers,
  });
  let inboxSize: (() => number) | undefined;
  new Gauge({
    name: `${PREFIX}inbox_deliveries`,
    help: "Deliveries the server stored in its inbox that the Redis queue has not taken yet (0 without an inbox).",
    registers,
    collect() {
      const size = inboxSize?.() ?? 0;
      if (usable("inbox_deliveries", size)) this.set(size);
    },
  });
  const restarts = new Counter({
    name: `${PREFIX}run_restarts_total`,
    help: "Runs started again after their worker's lease ran out.",
    registers,
  });

  return {
    registry,
    setQueueCounts: (fn) => {
      queueCounts = fn;
    },
    setInboxSize: (fn) => {
      inboxSize = fn;
    },
    runFinished: (kind, outcome, seconds) => {
      const labels = { kind: bounded(RUN_KINDS, kind), outcome: bounded(RUN_OUTCOMES, outcome) };
      runs.inc(labels);
      if (usable("run_duration_seconds", seconds)) runSeconds.observe(labels, seconds);
    },
    modelCost: (kind, usd) => {
      if (usable("model_cost_usd_total", usd)) cost.inc({ kind: bounded(RUN_KINDS, kind) }, usd);
    },
    guardBlock: (surface) => guardBlocks.inc({ surface: bounded(GUARD_SURFACES, surface) }),
    rateLimit: (resource, remaining) => {
      if (usable("github_rate_limit_remaining", remaining)) {
        rateRemaining.set({ resource: bounded(RATE_LIMIT_RESOURCES, resource) }, remaining);
      }
    },
    ackObserved: (outcome, seconds) => {
      if (usable("webhook_ack_seconds", seconds)) {
        ackSeconds.observe({ outcome: bounded(ACK_OUTCOMES, outcome) }, seconds);
      }
    },
    runRestarted: () => restarts.inc(),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

function bounded(known: readonly string[], value: string): string {
  return known.includes(value) ? value : OTHER;
}

/** The promise's value, or a rejection once `ms` pass first (a hung queue must not hang the scrape). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
