import { parseCron, type CronFields } from "../../src/config/cron.js";

/**
 * The documented schedule rules, computed the slow and obvious way to check the fast one against: every
 * minute of a window is read on the zone's clock (Intl, nothing of the code under test), a reading that
 * matches is an occurrence the first time the clock shows it, and a matching reading the clock jumps over
 * happens as far past the jump as it lies into the gap.
 */

const MINUTE = 60_000;

interface Reading {
  /** The reading as the milliseconds of the same clock reading in UTC. */
  wall: number;
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function readClock(zone: string, at: number): Reading {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  const [year, month, day, hour, minute] = ["year", "month", "day", "hour", "minute"].map((k) =>
    Number(parts[k]),
  ) as [number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  return { wall, minute, hour, day, month, weekday: new Date(wall).getUTCDay() };
}

function fromWall(wall: number): Reading {
  const d = new Date(wall);
  return {
    wall,
    minute: d.getUTCMinutes(),
    hour: d.getUTCHours(),
    day: d.getUTCDate(),
    month: d.getUTCMonth() + 1,
    weekday: d.getUTCDay(),
  };
}

function matches(f: CronFields, r: Reading): boolean {
  if (!f.minute.includes(r.minute) || !f.hour.includes(r.hour) || !f.month.includes(r.month)) return false;
  const dom = f.dayOfMonth.includes(r.day);
  const dow = f.dayOfWeek.includes(r.weekday);
  if (f.dayOfMonthRestricted && f.dayOfWeekRestricted) return dom || dow;
  return (!f.dayOfMonthRestricted || dom) && (!f.dayOfWeekRestricted || dow);
}

/** The zone's clock read every minute of [from, to), once for any number of schedules. */
export function clockReadings(zone: string, from: number, to: number): { at: number; reading: Reading }[] {
  const out: { at: number; reading: Reading }[] = [];
  for (let at = from; at < to; at += MINUTE) out.push({ at, reading: readClock(zone, at) });
  return out;
}

/** Every occurrence of the schedule over those readings, in order, by the rules above. */
export function occurrences(
  schedule: string,
  readings: readonly { at: number; reading: Reading }[],
): number[] {
  const parsed = parseCron(schedule);
  if (!parsed.ok) throw new Error(parsed.reason);
  const found = new Set<number>();
  const seen = new Set<number>();
  let previous: Reading | undefined;
  for (const { at, reading } of readings) {
    if (previous && reading.wall - previous.wall > MINUTE) {
      // The clock jumped: the readings it skipped happen that far past the jump.
      for (let wall = previous.wall + MINUTE; wall < reading.wall; wall += MINUTE) {
        if (matches(parsed.fields, fromWall(wall))) found.add(at - MINUTE + (wall - previous.wall));
      }
    }
    if (!seen.has(reading.wall) && matches(parsed.fields, reading)) found.add(at);
    seen.add(reading.wall);
    previous = reading;
  }
  return [...found].sort((a, b) => a - b);
}
