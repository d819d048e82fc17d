import type { MaintenanceLimits } from "../config/schema.js";

const HOUR = 3_600_000;

/** The start of the clock hour `now` falls in (UTC: every zone's hours that matter start on one). */
export function hourStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / HOUR) * HOUR);
}

/**
 * Why a task may not open a new pull request now, in one sentence; undefined when it may. Updating the
 * task's own open pull request never counts against the limits.
 */
export function limitReason(
  limits: MaintenanceLimits,
  counts: { open: number; openedThisHour: number },
  now: Date,
): string | undefined {
  if (counts.open >= limits.prConcurrent)
    return (
      `${counts.open} maintenance pull requests are open, the most \`maintenance.limits.prConcurrent\` allows, ` +
      "so this task waits until one is merged or closed."
    );
  if (counts.openedThisHour >= limits.prHourly) {
    const next = new Date(hourStart(now).getTime() + HOUR).toISOString().slice(11, 16);
    return (
      `${counts.openedThisHour} maintenance pull requests were opened this hour, the most ` +
      `\`maintenance.limits.prHourly\` allows, so this task waits for a tick after ${next} UTC.`
    );
  }
  return undefined;
}
