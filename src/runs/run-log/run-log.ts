import type { AgentEvent } from "../../agent/events.js";
import type { GuardConfig } from "../../guard/config.js";
import { createRedactor } from "../../guard/scan.js";
import type { RunRequest } from "../../request/run-request.js";
import { threadKey } from "../queue/run-queue.js";
import type { RunReport } from "../report.js";
import type { RunStore, RunSummary } from "./run-store.js";
import { cut, redactDeep, TimelineRecorder, type Redact } from "./timeline.js";

export interface RunLogWarn {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What the front door and the executor tell the run log. Every method swallows its own failures (logged):
 * a run log that cannot be written must never stop a run or its report.
 */
export interface RunLog {
  /** A run was queued: recorded for the dashboard; returns its page's address when pages are public. */
  queued(request: QueuedRun, guard: GuardConfig): string | undefined;
  /** The trigger turned out to be a duplicate: the run will not happen. */
  discard(runId: string): void;
  /** The page's address of a run, when pages are public. */
  pageUrl(runId: string): string | undefined;
  started(request: RunRequest): void;
  event(request: RunRequest, event: AgentEvent): void;
  finished(request: RunRequest, report: RunReport): void;
  /** A run that ended without running: replaced, cancelled while waiting, abandoned. */
  dropped(runId: string, outcome: string, sentence: string): void;
  /** Queued runs on a thread that a cancel drops. */
  cancelled(threadKey: string): void;
}

export interface QueuedRun {
  id: string;
  kind: string;
  repository: { owner: string; name: string };
  thread?: { number: number } | undefined;
  author: string;
  instruction: string;
}

export interface RunLogOptions {
  store: RunStore;
  /** The page's address for a run id; undefined when no public address is set (no link is posted). */
  pageUrl: (runId: string) => string | undefined;
  log: RunLogWarn;
}

/** The run log kept in a RunStore, each text redacted by the run's own guard configuration. */
export function storeRunLog({ store, pageUrl, log }: RunLogOptions): RunLog {
  const live = new Map<string, { redact: Redact; recorder: TimelineRecorder }>();
  const safely =
    <A extends unknown[], R>(what: string, fn: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (err) {
        log.warn(`could not ${what} in the run log`, { error: (err as Error)?.message ?? String(err) });
        return fallback;
      }
    };
  const forRun = (request: RunRequest): { redact: Redact; recorder: TimelineRecorder } => {
    let found = live.get(request.id);
    if (!found) {
      // The request's guard carries the run's known secrets (its tokens, the App's keys) by reference.
      const redact = createRedactor(request.config.guard);
      found = { redact, recorder: new TimelineRecorder(redact) };
      live.set(request.id, found);
    }
    return found;
  };
  return {
    queued: safely(
      "record a queued run",
      (request: QueuedRun, guard: GuardConfig) => {
        const redact = createRedactor(guard);
        store.create({
          id: request.id,
          repository: `${request.repository.owner}/${request.repository.name}`,
          ...(request.thread ? { thread: request.thread.number } : {}),
          threadKey: threadKey(request),
          kind: request.kind,
          author: request.author,
          instruction: cut(redact(request.instruction), 4000),
        });
        return pageUrl(request.id);
      },
      undefined,
    ),
    discard: safely("forget a run", (id: string) => store.discard(id), undefined),
    pageUrl,
    started: safely(
      "record a run's start",
      (request: RunRequest) => {
        // A restarted run starts its timeline again from a fresh workspace; its running totals too.
        live.delete(request.id);
        store.started(
          request.id,
          request.restarts ? `Restarted from a fresh workspace (restart ${request.restarts})` : "Started",
        );
      },
      undefined,
    ),
    event: safely(
      "record a run's event",
      (request: RunRequest, event: AgentEvent) => {
        for (const entry of forRun(request).recorder.entries(event)) store.append(request.id, entry);
      },
      undefined,
    ),
    finished: safely(
      "record a run's report",
      (request: RunRequest, report: RunReport) => {
        const { redact } = forRun(request);
        live.delete(request.id);
        if (report.outcome === "blocked" && report.details)
          store.append(request.id, {
            type: "guard",
            findings: redact(report.details)
              .split("\n")
              .filter((l) => l.startsWith("- "))
              .map((l) => l.slice(2)),
          });
        store.finished(request.id, redactDeep(summarise(report), redact));
      },
      undefined,
    ),
    dropped: safely(
      "record a dropped run",
      (id: string, outcome: string, sentence: string) => store.dropped(id, outcome, sentence),
      undefined,
    ),
    cancelled: safely(
      "record a cancel",
      (key: string) => {
        for (const id of store.queuedOn(key)) store.dropped(id, "cancelled", "Cancelled before it started.");
      },
      undefined,
    ),
  };
}

function summarise(report: RunReport): RunSummary {
  const a = report.agent;
  return {
    outcome: report.outcome,
    headline: report.headline,
    ...(report.details ? { details: cut(report.details, 20_000) } : {}),
    ...(report.branch ? { branch: report.branch } : {}),
    ...(report.pullRequest ? { pullRequest: report.pullRequest } : {}),
    // The page's own link is not worth showing on the page.
    links: report.links.filter((l) => l.label !== "run page"),
    ...(report.tests ? { tests: report.tests } : {}),
    ...(report.sandbox ? { sandbox: report.sandbox } : {}),
    ...(report.notes?.length ? { notes: report.notes } : {}),
    ...(a
      ? { turns: a.turns, costUsd: a.costUsd, costKnown: a.costKnown, verification: a.verification }
      : {}),
    elapsedMs: report.elapsedMs,
  };
}
