/**
 * Five-field cron schedules, as maintenance tasks write them. They are checked here, in the config layer,
 * without a cron library: the leak guard's commands (`patchwright config check` among them) load this
 * layer and nothing more. The maintenance scheduler hands the canonical spelling made here to the cron
 * library that computes times, so what this accepts is exactly what it runs.
 *
 * The grammar is classic cron, as GitHub Actions' `schedule` and Vixie cron read it: minute, hour, day of
 * month, month and day of week, each a comma-separated list of `*`, a number or name, or a range `a-b`;
 * `*` and ranges may take a step, `*\/15`, `1-5/2`. Names are JAN–DEC and SUN–SAT in any case; day of week
 * 0 and 7 are both Sunday. Not accepted: a seconds field, nicknames like `@daily`, and the `?`, `L`, `W`,
 * `#` and `H` extensions some schedulers add.
 */

export interface CronFields {
  readonly minute: readonly number[];
  readonly hour: readonly number[];
  readonly dayOfMonth: readonly number[];
  readonly month: readonly number[];
  /** 0–6, Sunday is 0 (a 7 written in the schedule is read as 0). */
  readonly dayOfWeek: readonly number[];
  /**
   * False when the field is written `*`. When both day fields are restricted a day matching either one
   * runs, as in every cron; when one is `*`, the other alone decides.
   */
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
}

export type CronParse =
  | { ok: true; fields: CronFields; canonical: string }
  | {
      ok: false;
      /** Why, to follow "not a valid cron schedule: ", e.g. `the minute 61 is outside 0–59`. */
      reason: string;
    };

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** How a name reads in a message, e.g. "a month name (JAN–DEC)". */
  nameHint?: string;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, nameHint: "a month name (JAN–DEC)" },
  { name: "day of week", min: 0, max: 7, names: DAYS, nameHint: "a day name (SUN–SAT)" },
];

/** The most days each month can have (February: 29, in leap years). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Reads a five-field schedule; surrounding and repeated spaces are fine. */
export function parseCron(text: string): CronParse {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5 || parts[0] === "") {
    const count = parts[0] === "" ? 0 : parts.length;
    return fail(
      `it has ${count} field${count === 1 ? "" : "s"}, and needs 5: minute, hour, day of month, month and day of week`,
    );
  }
  const values: number[][] = [];
  for (const [i, spec] of FIELDS.entries()) {
    const field = parseField(parts[i]!, spec);
    if (typeof field === "string") return fail(field);
    values.push(field);
  }
  const [minute, hour, dayOfMonth, month, week] = values as [
    number[],
    number[],
    number[],
    number[],
    number[],
  ];
  const dayOfWeek = [...new Set(week.map((d) => d % 7))].sort((a, b) => a - b);
  const fields: CronFields = {
    minute,
    hour,
    dayOfMonth,
    month,
    dayOfWeek,
    dayOfMonthRestricted: parts[2] !== "*",
    dayOfWeekRestricted: parts[4] !== "*",
  };
  // Only a day of month alone can name a date that never comes, like the 31st of February.
  if (fields.dayOfMonthRestricted && !fields.dayOfWeekRestricted) {
    const first = dayOfMonth[0]!;
    if (!month.some((m) => first <= DAYS_IN_MONTH[m - 1]!)) {
      return fail(`none of its months has a day ${first}, so it would never run`);
    }
  }
  return { ok: true, fields, canonical: canonical(fields) };
}

/**
 * One spelling per meaning: numbers in order, `*` where every value is allowed. The day fields are read
 * together: a restricted field that allows every day makes every day run, but a field written as a full
 * list is not `*` while the other is restricted (either one matching is then enough).
 */
function canonical(f: CronFields): string {
  const list = (v: readonly number[], all: number): string => (v.length === all ? "*" : v.join(","));
  const everyDay =
    (f.dayOfMonthRestricted && f.dayOfMonth.length === 31) ||
    (f.dayOfWeekRestricted && f.dayOfWeek.length === 7) ||
    (!f.dayOfMonthRestricted && !f.dayOfWeekRestricted);
  return [
    list(f.minute, 60),
    list(f.hour, 24),
    everyDay || !f.dayOfMonthRestricted ? "*" : f.dayOfMonth.join(","),
    list(f.month, 12),
    everyDay || !f.dayOfWeekRestricted ? "*" : f.dayOfWeek.join(","),
  ].join(" ");
}

/** The field's values in order, or why it is wrong. */
function parseField(text: string, spec: FieldSpec): number[] | string {
  const out = new Set<number>();
  for (const item of text.split(",")) {
    if (item === "") return `the ${spec.name} has an empty item in "${text}"`;
    const [range, step, extra] = item.split("/");
    if (extra !== undefined) return `"${item}" in the ${spec.name} has more than one step`;
    let low = spec.min;
    let high = spec.max;
    if (range !== "*") {
      const bounds = range!.split("-");
      if (bounds.length > 2 || bounds.includes("")) {
        return `"${item}" in the ${spec.name} is not a number or a range like 1-5`;
      }
      const from = value(bounds[0]!, spec);
      if (typeof from === "string") return from;
      const to = bounds.length === 2 ? value(bounds[1]!, spec) : from;
      if (typeof to === "string") return to;
      if (to < from) return `the range ${range} in the ${spec.name} goes backwards`;
      if (bounds.length === 1 && step !== undefined) {
        return `the step in "${item}" needs * or a range before it, like */15 or 5-59/15`;
      }
      [low, high] = [from, to];
    }
    let every = 1;
    if (step !== undefined) {
      if (!/^\d+$/.test(step)) return `the step "/${step}" in the ${spec.name} is not a number`;
      every = Number(step);
      if (every < 1) return `the step /${step} in the ${spec.name} must be at least 1`;
    }
    for (let v = low; v <= high; v += every) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

function value(token: string, spec: FieldSpec): number | string {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    if (n < spec.min || n > spec.max) return `the ${spec.name} ${n} is outside ${spec.min}–${spec.max}`;
    return n;
  }
  const named = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return named + (spec.min === 1 ? 1 : 0);
  const kind = spec.nameHint ? `a number or ${spec.nameHint}` : "a number";
  return `"${token}" in the ${spec.name} is not ${kind}`;
}

function fail(reason: string): CronParse {
  return { ok: false, reason };
}
