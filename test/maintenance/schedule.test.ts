import { describe, expect, it } from "vitest";
import {
  dueTasks,
  FIRST_RUN_LOOKBACK_MS,
  matchesScheduleEvent,
  nextRun,
  type Scheduled,
} from "../../src/maintenance/schedule.js";
import { clockReadings, occurrences } from "./brute-force.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const at = (iso: string): Date => new Date(iso);
const task = (schedule: string, timezone = "UTC", name = "tidy-readme"): Scheduled => ({
  name,
  schedule,
  timezone,
});
const iso = (d: Date): string => d.toISOString().replace(".000Z", "Z");

/** A seeded generator, so every run of a randomised test sees the same cases. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A scheduler driven by a fake clock: at each tick it asks which tasks are due, "runs" them and records
 * the tick as their last run, as the surfaces will. Returns the runs, each with the occurrence it ran for.
 */
function simulate(
  tasks: readonly Scheduled[],
  ticks: readonly number[],
  options: { neverRunSince?: Date } = {},
): { task: string; tick: string; occurrence: string }[] {
  const lastRuns = new Map<string, Date>();
  const runs: { task: string; tick: string; occurrence: string }[] = [];
  for (const tick of ticks) {
    const now = new Date(tick);
    for (const due of dueTasks(tasks, lastRuns, now, options)) {
      runs.push({ task: due.task.name, tick: iso(now), occurrence: iso(due.occurrence) });
      lastRuns.set(due.task.name, now);
    }
  }
  return runs;
}

function hourlyTicks(fromIso: string, hours: number, minute = 7): number[] {
  const start = Date.parse(fromIso) + minute * MINUTE;
  return Array.from({ length: hours }, (_, i) => start + i * HOUR);
}

describe("nextRun", () => {
  it("is the first scheduled time strictly after the given instant", () => {
    const monday = task("17 6 * * 1");
    expect(iso(nextRun(monday, at("2025-03-29T00:00:00Z")))).toBe("2025-03-31T06:17:00Z");
    expect(iso(nextRun(monday, at("2025-03-31T06:16:59.999Z")))).toBe("2025-03-31T06:17:00Z");
    expect(iso(nextRun(monday, at("2025-03-31T06:17:00Z")))).toBe("2025-04-07T06:17:00Z");
    expect(iso(nextRun(monday, at("2025-03-31T06:17:00.001Z")))).toBe("2025-04-07T06:17:00Z");
    expect(iso(nextRun(task("0 0 29 2 *"), at("2025-03-01T00:00:00Z")))).toBe("2028-02-29T00:00:00Z");
  });

  it("reads the schedule on the task's own clock", () => {
    const paris = task("17 6 * * 1", "Europe/Paris");
    expect(iso(nextRun(paris, at("2025-03-29T00:00:00Z")))).toBe("2025-03-31T04:17:00Z"); // summer time
    expect(iso(nextRun(paris, at("2025-01-01T00:00:00Z")))).toBe("2025-01-06T05:17:00Z"); // winter time
    expect(iso(nextRun(task("30 9 * * *", "Asia/Kolkata"), at("2025-06-01T00:00:00Z")))).toBe(
      "2025-06-01T04:00:00Z",
    );
    // The day of week is the task's day: Monday 00:30 in Tokyo is Sunday in UTC.
    expect(iso(nextRun(task("30 0 * * 1", "Asia/Tokyo"), at("2025-03-29T00:00:00Z")))).toBe(
      "2025-03-30T15:30:00Z",
    );
  });

  it("moves a time that does not exist on the spring-forward day forward by the gap, and runs it once", () => {
    const paris = task("30 2 * * *", "Europe/Paris");
    // 30 March 2025: Paris clocks go from 02:00 to 03:00, so 02:30 is 03:30 summer time, 01:30 UTC.
    expect(iso(nextRun(paris, at("2025-03-29T12:00:00Z")))).toBe("2025-03-30T01:30:00Z");
    // The same answer from every instant before it, even from inside the hour after the change.
    for (const from of [
      "2025-03-30T00:59:00Z",
      "2025-03-30T01:00:00Z",
      "2025-03-30T01:10:00Z",
      "2025-03-30T01:29:59Z",
    ]) {
      expect(iso(nextRun(paris, at(from))), from).toBe("2025-03-30T01:30:00Z");
    }
    expect(iso(nextRun(paris, at("2025-03-30T01:30:00Z")))).toBe("2025-03-31T00:30:00Z");
    // A half-hour change moves it by half an hour: Lord Howe Island goes from 02:00 to 02:30.
    expect(iso(nextRun(task("15 2 * * *", "Australia/Lord_Howe"), at("2025-10-04T12:00:00Z")))).toBe(
      "2025-10-04T15:45:00Z",
    );
  });

  it("runs a time the autumn clocks show twice once, at its first (summer time) instance", () => {
    const paris = task("30 2 * * *", "Europe/Paris");
    // 26 October 2025: 02:30 happens at 00:30 UTC (summer time) and again at 01:30 UTC (winter time).
    expect(iso(nextRun(paris, at("2025-10-25T12:00:00Z")))).toBe("2025-10-26T00:30:00Z");
    for (const from of [
      "2025-10-26T00:30:00Z",
      "2025-10-26T00:45:00Z",
      "2025-10-26T01:00:00Z",
      "2025-10-26T01:20:00Z",
    ]) {
      expect(iso(nextRun(paris, at(from))), from).toBe("2025-10-27T01:30:00Z");
    }
    // An hourly task skips the repeated hour rather than running 02:00 twice.
    const hourly = task("0 * * * *", "Europe/Paris");
    const times: string[] = [];
    for (let d = at("2025-10-25T23:30:00Z"); times.length < 4;) times.push(iso((d = nextRun(hourly, d))));
    expect(times).toEqual([
      "2025-10-26T00:00:00Z", // 02:00 summer time
      "2025-10-26T02:00:00Z", // 03:00 winter time
      "2025-10-26T03:00:00Z",
      "2025-10-26T04:00:00Z",
    ]);
  });

  it("agrees, around every clock change, with the rules computed minute by minute", () => {
    const windows: [zone: string, change: string][] = [
      ["Europe/Paris", "2025-03-30T01:00:00Z"],
      ["Europe/Paris", "2025-10-26T01:00:00Z"],
      ["America/New_York", "2025-03-09T07:00:00Z"],
      ["America/New_York", "2025-11-02T06:00:00Z"],
      ["Australia/Lord_Howe", "2025-04-05T15:00:00Z"],
      ["Australia/Lord_Howe", "2025-10-04T15:30:00Z"],
    ];
    const schedules = [
      "30 2 * * *",
      "0 1-3 * * *",
      "15,45 */2 * * *",
      "*/20 * * * *",
      "59 1 * * 0",
      "0 3 * * *",
    ];
    const random = prng(14);
    let compared = 0;
    for (const [zone, change] of windows) {
      const middle = Date.parse(change);
      const from = middle - 1.5 * DAY;
      const to = middle + 2 * DAY;
      const readings = clockReadings(zone, from, to);
      for (const schedule of schedules) {
        const expected = occurrences(schedule, readings);
        // Dense around the change, where a shortcut would go wrong, and sparse elsewhere.
        const starts = [
          ...Array.from({ length: 60 }, (_, i) => middle - 4 * HOUR + i * 8 * MINUTE),
          ...Array.from({ length: 20 }, () => from + Math.floor(random() * (to - from - DAY))),
        ];
        for (const start of starts) {
          const want = expected.find((t) => t > start);
          if (want === undefined || want >= to - HOUR) continue;
          const got = nextRun(task(schedule, zone), new Date(start)).getTime();
          expect(
            new Date(got).toISOString(),
            `${schedule} in ${zone} after ${new Date(start).toISOString()}`,
          ).toBe(new Date(want).toISOString());
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(2500);
  });

  it("agrees with a minute-by-minute count for many made-up schedules", () => {
    const random = prng(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const field = (low: number, high: number): string =>
      pick([
        "*",
        String(low + Math.floor(random() * (high - low + 1))),
        `*/${1 + Math.floor(random() * 20)}`,
        `${low}-${Math.min(high, low + Math.floor(random() * 10))}`,
        `${low + Math.floor(random() * (high - low))},${high}`,
      ]);
    let compared = 0;
    for (let i = 0; i < 40; i++) {
      const schedule = [
        field(0, 59),
        field(0, 23),
        pick(["*", "*", String(1 + Math.floor(random() * 28)), "1-15", "*/3"]),
        pick(["*", "*", "*", "1-6", "*/2"]),
        pick(["*", "*", "1-5", "0", String(Math.floor(random() * 8)), "MON,FRI"]),
      ].join(" ");
      const zone = pick(["UTC", "Europe/Paris", "America/Sao_Paulo", "Asia/Kolkata"]);
      const from = Date.UTC(2025, 0, 1) + Math.floor(random() * 300) * DAY;
      const expected = occurrences(schedule, clockReadings(zone, from, from + 4 * DAY));
      for (let j = 0; j < 5; j++) {
        const start = from + Math.floor(random() * 3 * DAY);
        const want = expected.find((t) => t > start);
        if (want === undefined) continue;
        expect(iso(nextRun(task(schedule, zone), new Date(start))), `${schedule} in ${zone}`).toBe(
          iso(new Date(want)),
        );
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("refuses a schedule the config would refuse, and a date that is not one", () => {
    expect(() => nextRun(task("61 * * * *"), at("2025-01-01T00:00:00Z"))).toThrow(
      '"61 * * * *" is not a valid cron schedule: the minute 61 is outside 0–59.',
    );
    expect(() => nextRun(task("0 0 * * *"), new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe("dueTasks", () => {
  const weekly = task("17 6 * * 1", "UTC", "weekly");
  const daily = task("0 9 * * *", "Europe/Paris", "daily");

  it("is due when a scheduled time falls after the last run and at or before now", () => {
    const lastRuns = new Map([
      ["weekly", at("2025-03-24T06:20:00Z")],
      ["daily", at("2025-03-31T07:05:00Z")],
    ]);
    expect(dueTasks([weekly, daily], lastRuns, at("2025-03-31T06:16:59Z"))).toEqual([]);
    expect(dueTasks([weekly, daily], lastRuns, at("2025-03-31T06:17:00Z"))).toEqual([
      { task: weekly, occurrence: at("2025-03-31T06:17:00Z") },
    ]);
    // 09:00 in Paris is 07:00 UTC, before the daily task's last run: not due again that day.
    expect(dueTasks([weekly, daily], lastRuns, at("2025-03-31T09:30:00Z")).map((d) => d.task.name)).toEqual([
      "weekly",
    ]);
    expect(dueTasks([weekly, daily], lastRuns, at("2025-04-01T07:00:00Z")).map((d) => d.task.name)).toEqual([
      "weekly",
      "daily",
    ]);
  });

  it("names the first missed time, so schedulers reading the same record agree whenever they tick", () => {
    const lastRuns = new Map([["weekly", at("2025-03-03T07:00:00Z")]]);
    for (const now of ["2025-03-10T06:17:00Z", "2025-03-10T07:59:00Z", "2025-03-31T12:00:00Z"]) {
      expect(dueTasks([weekly], lastRuns, at(now))).toEqual([
        { task: weekly, occurrence: at("2025-03-10T06:17:00Z") },
      ]);
    }
  });

  it("is not due when the last run is now or later (a clock behind another's)", () => {
    expect(
      dueTasks([weekly], new Map([["weekly", at("2025-03-31T07:00:00Z")]]), at("2025-03-31T07:00:00Z")),
    ).toEqual([]);
    expect(
      dueTasks([weekly], new Map([["weekly", at("2025-04-30T00:00:00Z")]]), at("2025-03-31T07:00:00Z")),
    ).toEqual([]);
  });

  it("counts a task never run from an hour before now, or from the time the caller gives", () => {
    expect(FIRST_RUN_LOOKBACK_MS).toBe(HOUR);
    const none = new Map<string, Date>();
    // (06:17, 07:16:59]: Monday 06:17 is in it; an hour after it, it no longer is.
    expect(dueTasks([weekly], none, at("2025-03-31T07:16:59Z"))).toEqual([
      { task: weekly, occurrence: at("2025-03-31T06:17:00Z") },
    ]);
    expect(dueTasks([weekly], none, at("2025-03-31T07:17:00Z"))).toEqual([]);
    expect(dueTasks([weekly], none, at("2025-03-31T06:00:00Z"))).toEqual([]);
    const since = { neverRunSince: at("2025-03-30T00:00:00Z") };
    expect(dueTasks([weekly], none, at("2025-03-31T23:00:00Z"), since)).toEqual([
      { task: weekly, occurrence: at("2025-03-31T06:17:00Z") },
    ]);
    // A recorded run wins over the caller's start.
    expect(
      dueTasks(
        [weekly],
        new Map([["weekly", at("2025-03-31T07:00:00Z")]]),
        at("2025-03-31T23:00:00Z"),
        since,
      ),
    ).toEqual([]);
  });

  it("runs a task once after dropped and late ticks, never twice, never skipping a window", () => {
    // Hourly ticks at :07, with 07:07 to 09:07 UTC dropped on 31 March: the run for 09:00 in Paris
    // (07:00 UTC) happens at the next tick, 10:07, once.
    const dropped = ["2025-03-31T07:07:00Z", "2025-03-31T08:07:00Z", "2025-03-31T09:07:00Z"].map(Date.parse);
    const ticks = hourlyTicks("2025-03-31T00:00:00Z", 48).filter((t) => !dropped.includes(t));
    expect(simulate([daily], ticks, { neverRunSince: at("2025-03-31T00:00:00Z") })).toEqual([
      { task: "daily", tick: "2025-03-31T10:07:00Z", occurrence: "2025-03-31T07:00:00Z" },
      { task: "daily", tick: "2025-04-01T07:07:00Z", occurrence: "2025-04-01T07:00:00Z" },
    ]);
    // Three weeks without a tick: one run, for the first of the missed Mondays.
    const gap = [
      Date.parse("2025-03-03T07:07:00Z"),
      Date.parse("2025-03-24T12:07:00Z"),
      Date.parse("2025-03-24T13:07:00Z"),
    ];
    const lastRuns = new Map([["weekly", at("2025-03-01T00:00:00Z")]]);
    const first = dueTasks([weekly], lastRuns, new Date(gap[0]!));
    expect(first.map((d) => iso(d.occurrence))).toEqual(["2025-03-03T06:17:00Z"]);
    lastRuns.set("weekly", new Date(gap[0]!));
    expect(dueTasks([weekly], lastRuns, new Date(gap[1]!)).map((d) => iso(d.occurrence))).toEqual([
      "2025-03-10T06:17:00Z",
    ]);
    lastRuns.set("weekly", new Date(gap[1]!));
    expect(dueTasks([weekly], lastRuns, new Date(gap[2]!))).toEqual([]);
  });

  it("over a month of irregular ticks, runs exactly once in each window holding scheduled times", () => {
    const random = prng(2025);
    const tasks = [
      task("17 6 * * 1", "UTC", "weekly"),
      task("0 9 * * 1-5", "Europe/Paris", "weekdays"),
      task("*/20 * * * *", "America/New_York", "often"),
      task("30 2 * * *", "Europe/Paris", "nightly"),
      task("0 0 1 * *", "Asia/Tokyo", "monthly"),
    ];
    // Hourly ticks from 1 March to 1 April 2025 (Paris changes clocks on the 30th, New York on the 9th),
    // each late by up to 50 minutes, a fifth of them dropped.
    const start = Date.parse("2025-03-01T00:00:00Z");
    const ticks: number[] = [];
    for (let h = 0; h < 31 * 24; h++) {
      if (random() < 0.2) continue;
      ticks.push(start + h * HOUR + Math.floor(random() * 50) * MINUTE);
    }
    const runs = simulate(tasks, ticks, { neverRunSince: new Date(start) });
    const readings = new Map<string, ReturnType<typeof clockReadings>>();
    for (const t of tasks) {
      const mine = runs.filter((r) => r.task === t.name);
      if (!readings.has(t.timezone))
        readings.set(t.timezone, clockReadings(t.timezone, start, ticks.at(-1)! + 1));
      const times = occurrences(t.schedule, readings.get(t.timezone)!);
      // One run per tick window (previous tick, tick] holding at least one time, and only those.
      const windows = ticks.filter((tick, i) => {
        const previous = i === 0 ? start : ticks[i - 1]!;
        return times.some((time) => time > previous && time <= tick);
      });
      expect(
        mine.map((r) => r.tick),
        t.name,
      ).toEqual(windows.map((w) => iso(new Date(w))));
      // Each run is for the first time in its window.
      for (const run of mine) {
        const tick = Date.parse(run.tick);
        const previous = ticks[ticks.indexOf(tick) - 1] ?? start;
        expect(run.occurrence, t.name).toBe(iso(new Date(times.find((time) => time > previous)!)));
      }
    }
    // The spring-forward night in Paris still has its 02:30 run, at 03:30 summer time.
    expect(runs.filter((r) => r.task === "nightly" && r.occurrence.startsWith("2025-03-30"))).toEqual([
      expect.objectContaining({ occurrence: "2025-03-30T01:30:00Z" }),
    ]);
  });

  it("runs a 02:30 Paris task once a day through both clock changes, with hourly ticks", () => {
    const nightly = task("30 2 * * *", "Europe/Paris", "nightly");
    const spring = simulate([nightly], hourlyTicks("2025-03-29T00:00:00Z", 72), {
      neverRunSince: at("2025-03-29T00:00:00Z"),
    });
    expect(spring.map((r) => r.occurrence)).toEqual([
      "2025-03-29T01:30:00Z",
      "2025-03-30T01:30:00Z", // 03:30 summer time: 02:30 does not exist that night
      "2025-03-31T00:30:00Z",
    ]);
    const autumn = simulate([nightly], hourlyTicks("2025-10-25T00:00:00Z", 72), {
      neverRunSince: at("2025-10-25T00:00:00Z"),
    });
    expect(autumn.map((r) => r.occurrence)).toEqual([
      "2025-10-25T00:30:00Z",
      "2025-10-26T00:30:00Z", // the first 02:30; the second, at 01:30 UTC, does not run again
      "2025-10-27T01:30:00Z",
    ]);
  });
});

describe("matchesScheduleEvent", () => {
  it("matches the event's cron by meaning, whatever the spelling", () => {
    const monday = task("17 6 * * 1");
    expect(matchesScheduleEvent(monday, "17 6 * * 1")).toBe(true);
    expect(matchesScheduleEvent(monday, " 17  6 * *   MON ")).toBe(true);
    expect(matchesScheduleEvent(task("0 0 * * 0"), "0 0 * * 7")).toBe(true);
    expect(matchesScheduleEvent(task("*/15 9-17 * * 1-5"), "0,15,30,45 9-17 * * MON-FRI")).toBe(true);
  });

  it("does not match another schedule, or an event cron it cannot read", () => {
    const monday = task("17 6 * * 1");
    expect(matchesScheduleEvent(monday, "17 6 * * 2")).toBe(false);
    expect(matchesScheduleEvent(monday, "17 7 * * 1")).toBe(false);
    expect(matchesScheduleEvent(task("0 0 13 * 5"), "0 0 13 * *")).toBe(false);
    expect(matchesScheduleEvent(monday, "")).toBe(false);
    expect(matchesScheduleEvent(monday, "17 6 * * 1 *")).toBe(false);
  });

  it("ignores the task's time zone: the event carries none", () => {
    expect(matchesScheduleEvent(task("17 6 * * 1", "Europe/Paris"), "17 6 * * 1")).toBe(true);
  });
});
