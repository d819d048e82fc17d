/**
 * Wall-clock time in an IANA time zone, from Node's own zone data (Intl). A wall time is held as the
 * milliseconds of the same date and clock reading in UTC: 02:30 on 30 March in Paris is
 * `Date.UTC(2025, 2, 30, 2, 30)`, whatever instant (if any) that reading happens at there.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in milliseconds (Paris in summer: +2 hours). */
export function zoneOffset(zone: string, at: number): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
    formatters.set(zone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "";
  // "GMT+05:30", "GMT-01:00", "GMT" for zero; old local mean times carry seconds, "GMT+00:09:21".
  const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  if (!m) throw new Error(`cannot read the UTC offset of ${zone} from "${name}"`);
  if (!m[1]) return 0;
  const ms = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) * 1000;
  return m[1] === "-" ? -ms : ms;
}

/** What the zone's clocks read at an instant. */
export function wallTimeAt(zone: string, at: number): number {
  return at + zoneOffset(zone, at);
}

/**
 * The zone's offset around an instant when it is the same `margin` either side, so no clock change comes
 * within `margin` of it (none comes twice that close); undefined otherwise.
 */
export function steadyOffset(zone: string, at: number, margin: number): number | undefined {
  const before = zoneOffset(zone, at - margin);
  return before === zoneOffset(zone, at + margin) ? before : undefined;
}

/**
 * The instant the zone's clocks read a wall time, resolved the way calendars do (Temporal's "compatible"):
 * a reading skipped when clocks go forward moves forward by the gap (02:30 → 03:30), and a reading the
 * clocks show twice when they go back is its first instance (summer time). `steady`: no clock change
 * comes within a day of it.
 */
export function resolveWallTime(zone: string, wall: number): { at: number; steady: boolean } {
  // Offsets a day either side bracket every real clock change: none comes twice within two days.
  const before = zoneOffset(zone, wall - DAY);
  const after = zoneOffset(zone, wall + DAY);
  if (before === after) return { at: wall - before, steady: true };
  const byBefore = wall - before;
  const byAfter = wall - after;
  const beforeHolds = zoneOffset(zone, byBefore) === before;
  const afterHolds = zoneOffset(zone, byAfter) === after;
  // Clocks went back: both readings happen; the first one counts.
  if (beforeHolds && afterHolds) return { at: Math.min(byBefore, byAfter), steady: false };
  if (beforeHolds) return { at: byBefore, steady: false };
  if (afterHolds) return { at: byAfter, steady: false };
  // Clocks went forward over this reading: read it with the offset before the change, which lands as
  // far past the change as the reading is into the gap.
  return { at: byBefore, steady: false };
}
