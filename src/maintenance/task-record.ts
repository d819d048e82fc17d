import { z } from "zod";
import { hiddenMarker } from "../github/markers.js";

/**
 * What survives between runs of one task, kept in the hidden marker at the end of its pull request's
 * body: which task and request (the hash), when it last ran, how that ended, and failures in a row.
 */
export const TaskRecord = z.object({
  task: z.string(),
  hash: z.string(),
  /** When the last run started: the moment it was due, not its scheduled time (schedule.ts). */
  lastRun: z.string(),
  outcome: z.string().optional(),
  /** Runs in a row that failed; 0 after one that did not. */
  failures: z.number().int().min(0).default(0),
  /** The failing-CI fixer's: the checks on the default branch its pull request is fixing. */
  failing: z.array(z.string()).optional(),
  /**
   * The dashboard issue this run updated, and whether it had replaced a deleted one: kept here so a
   * dashboard deleted twice is not recreated again (maintenance-dashboard.ts).
   */
  dashboard: z.object({ number: z.number().int(), recreated: z.boolean() }).optional(),
});
export type TaskRecord = z.infer<typeof TaskRecord>;

// Only a marker the body ends with counts: the agent's words above it are quoted data.
const taskMarker = hiddenMarker({
  kind: "maintenance",
  payload: TaskRecord,
  encoding: { as: "json" },
  place: "end",
});

export function renderTaskRecord(record: TaskRecord): string {
  return taskMarker.render(record);
}

export function readTaskRecord(body: string | null | undefined): TaskRecord | undefined {
  return taskMarker.read(body);
}

/** The body with its record replaced by `record` (or added, if it had none). */
export function withTaskRecord(body: string | null | undefined, record: TaskRecord): string {
  return `${taskMarker.strip(body ?? "").trimEnd()}\n\n${renderTaskRecord(record)}`;
}

/** Failures in a row after which a task is tried at most once a day, so a broken task does not storm. */
export const FAILURES_BEFORE_BACKOFF = 3;
export const BACKOFF_MS = 24 * 3_600_000;

/** When a task that kept failing may run again; undefined when it is not backing off. */
export function backoffUntil(record: TaskRecord | undefined): Date | undefined {
  if (!record || record.failures < FAILURES_BEFORE_BACKOFF) return undefined;
  return new Date(Date.parse(record.lastRun) + BACKOFF_MS);
}
