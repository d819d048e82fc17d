import { CronExpressionParser, type CronExpression } from "cron-parser";
import { parseCron } from "../config/cron.js";
import { resolveWallTime, steadyOffset, wallTimeAt } from "./wall-clock.js";

/**
 * When maintenance tasks are due: pure functions of the tasks, their last recorded runs and a clock
 * reading passed in. docs/maintenance.md explains the rules to users.
 *
 * A task's schedule is wall-clock time in its zone. The cron library walks wall-clock readings (in UTC,
 * where every reading happens exactly once) and wall-clock.ts turns each into an instant, so every clock
 * change is handled by one rule, whatever the starting point: a reading in the spring gap moves forward by
 * the gap, a reading shown twice in autumn counts once, at its first instance. (cron-parser's own zone
 * handling answers differently depending on where the search starts, which would double or skip a run.)
 */

/** What the arithmetic needs of a task: a maintenance task, or dreaming under the name `dream`. */
export interface Scheduled {
  readonly name: string;
  readonly schedule: string;
  readonly timezone: string;
}

export interface DueTask<T extends Scheduled> {
  readonly task: T;
  /**
   * The task's first scheduled time after its last run: the same for every scheduler that reads the same
   * record, whenever it ticks, so (repository, task name, occurrence) names one run.
   */
  readonly occurrence: Date;
}

/**
 * How far back a task never run looks for a scheduled time: one tick of the Action's hourly workflow, so
 * a task added to the config first runs at its first time after it was added, as an hourly tick sees it.
 */
export const FIRST_RUN_LOOKBACK_MS = 3_600_000;

/** Wider than any clock change (two hours, in Antarctica/Troll): a reading that far off cannot be reordered. */
const MARGIN = 3 * 3_600_000;

/**
 * The tasks due at `now`: those with a scheduled time in (last run, now]. However many times were missed
 * (a dropped or delayed tick), a due task appears once; record `now` as its last run when it starts,
 * not the occurrence, or the later missed times come due again.
 *
 * A task with no recorded run counts from `neverRunSince`, by default FIRST_RUN_LOOKBACK_MS before `now`.
 * A scheduler that knows more (when it last ticked, when it first saw the task) passes that instead.
 */
export function dueTasks<T extends Scheduled>(
  tasks: readonly T[],
  lastRuns: ReadonlyMap<string, Date>,
  now: Date,
  options: { neverRunSince?: Date } = {},
): DueTask<T>[] {
  const end = time(now, "now");
  const neverRun = options.neverRunSince ?? new Date(end - FIRST_RUN_LOOKBACK_MS);
  const due: DueTask<T>[] = [];
  for (const task of tasks) {
    const since = lastRuns.get(task.name) ?? neverRun;
    if (time(since, `the last run of ${task.name}`) >= end) continue;
    const occurrence = nextRun(task, since);
    if (occurrence.getTime() <= end) due.push({ task, occurrence });
  }
  return due;
}

/** The task's first scheduled time strictly after `after`. */
export function nextRun(task: Scheduled, after: Date): Date {
  const t = time(after, "after");
  const zone = task.timezone;
  const cron = wallClock(task.schedule);
  // Near a clock change, a reading up to the size of the change before `after`'s own can still land after it.
  const steady = steadyOffset(zone, t, MARGIN);
  cron.reset(new Date(steady === undefined ? wallTimeAt(zone, t) - MARGIN : t + steady));
  let best: { at: number; wall: number } | undefined;
  for (;;) {
    const wall = cron.next().getTime();
    if (best && wall >= best.wall + MARGIN) return new Date(best.at);
    const resolved = resolveWallTime(zone, wall);
    if (resolved.at > t && (!best || resolved.at < best.at)) {
      best = { at: resolved.at, wall };
      // Away from clock changes readings keep their order, so the first one after `after` is the answer.
      if (resolved.steady) return new Date(resolved.at);
    }
  }
}

/**
 * Whether the task's schedule is the one a `schedule` event fired for (the event's `schedule` field),
 * for workflows with one cron line per task. Compared by meaning (`1-5` is `MON-FRI`); the event names no
 * time zone, so the task's `timezone` plays no part.
 */
export function matchesScheduleEvent(task: Scheduled, cronOfEvent: string): boolean {
  const own = parseCron(task.schedule);
  const event = parseCron(cronOfEvent);
  return own.ok && event.ok && own.canonical === event.canonical;
}

/** Compiled schedules by text; each is a stateful iterator, reset before every use. */
const compiled = new Map<string, CronExpression>();
const COMPILED_MAX = 10_000;

function wallClock(schedule: string): CronExpression {
  let cron = compiled.get(schedule);
  if (cron) return cron;
  const parsed = parseCron(schedule);
  if (!parsed.ok) throw new Error(`"${schedule}" is not a valid cron schedule: ${parsed.reason}.`);
  cron = CronExpressionParser.parse(parsed.canonical, { tz: "UTC" });
  if (compiled.size >= COMPILED_MAX) compiled.delete(compiled.keys().next().value!);
  compiled.set(schedule, cron);
  return cron;
}

function time(date: Date, what: string): number {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError(`${what} is not a valid date`);
  return t;
}
