import { describe, expect, it } from "vitest";
import { parseCron, type CronParse } from "../../src/config/cron.js";

function canonical(text: string): string {
  const parsed = parseCron(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.reason}`);
  return parsed.canonical;
}

function reason(text: string): string {
  const parsed: CronParse = parseCron(text);
  if (parsed.ok) throw new Error(`${text} was accepted as ${parsed.canonical}`);
  return parsed.reason;
}

describe("parseCron", () => {
  it("reads the five fields into sorted values", () => {
    const parsed = parseCron("17 6 * * 1");
    expect(parsed).toEqual({
      ok: true,
      canonical: "17 6 * * 1",
      fields: {
        minute: [17],
        hour: [6],
        dayOfMonth: Array.from({ length: 31 }, (_, i) => i + 1),
        month: Array.from({ length: 12 }, (_, i) => i + 1),
        dayOfWeek: [1],
        dayOfMonthRestricted: false,
        dayOfWeekRestricted: true,
      },
    });
  });

  it("reads lists, ranges, steps and names, in any case and spacing", () => {
    expect(canonical("  0,30   9-17/4 * * MON-fri ")).toBe("0,30 9,13,17 * * 1,2,3,4,5");
    expect(canonical("*/15 * * jan-mar/2 *")).toBe("0,15,30,45 * * 1,3 *");
    expect(canonical("*/90 * * * *")).toBe("0 * * * *");
    expect(canonical("5 4 1-31/10 * *")).toBe("5 4 1,11,21,31 * *");
    expect(canonical("00 06 * * *")).toBe("0 6 * * *");
  });

  it("spells one meaning one way", () => {
    expect(canonical("0 0 * * 7")).toBe(canonical("0 0 * * SUN"));
    expect(canonical("0 0 * * 0,7")).toBe("0 0 * * 0");
    expect(canonical("0 0-23 * 1-12 *")).toBe("0 * * * *");
    expect(canonical("1,1,1 * * * *")).toBe("1 * * * *");
    // A restricted field allowing every day runs every day, like `*`...
    expect(canonical("0 0 1-31 * *")).toBe("0 0 * * *");
    expect(canonical("0 0 * * 0-6")).toBe("0 0 * * *");
    expect(canonical("0 0 13 * 0-6")).toBe("0 0 * * *");
    // ...but two restricted day fields run on a day matching either, so neither is dropped.
    expect(canonical("0 0 13 * 5")).toBe("0 0 13 * 5");
    expect(canonical("0 0 */2 * 1")).toBe("0 0 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31 * 1");
  });

  it("accepts the 29th of February, which comes every four years", () => {
    expect(canonical("0 0 29 2 *")).toBe("0 0 29 2 *");
    expect(canonical("0 0 30 1,2 *")).toBe("0 0 30 1,2 *");
  });

  it("says why a schedule is not one, in words", () => {
    expect(reason("61 * * * *")).toBe("the minute 61 is outside 0–59");
    expect(reason("0 24 * * *")).toBe("the hour 24 is outside 0–23");
    expect(reason("0 0 0 * *")).toBe("the day of month 0 is outside 1–31");
    expect(reason("0 0 * 13 *")).toBe("the month 13 is outside 1–12");
    expect(reason("0 0 * * 8")).toBe("the day of week 8 is outside 0–7");
    expect(reason("0 0 * * MONDAY")).toBe(
      '"MONDAY" in the day of week is not a number or a day name (SUN–SAT)',
    );
    expect(reason("0 0 * FOO *")).toBe('"FOO" in the month is not a number or a month name (JAN–DEC)');
    expect(reason("x * * * *")).toBe('"x" in the minute is not a number');
    expect(reason("0 0 * * 5-2")).toBe("the range 5-2 in the day of week goes backwards");
    expect(reason("*/0 * * * *")).toBe("the step /0 in the minute must be at least 1");
    expect(reason("*/x * * * *")).toBe('the step "/x" in the minute is not a number');
    expect(reason("5/15 * * * *")).toBe(
      'the step in "5/15" needs * or a range before it, like */15 or 5-59/15',
    );
    expect(reason("*/5/2 * * * *")).toBe('"*/5/2" in the minute has more than one step');
    expect(reason("1-2-3 * * * *")).toBe('"1-2-3" in the minute is not a number or a range like 1-5');
    expect(reason("-5 * * * *")).toBe('"-5" in the minute is not a number or a range like 1-5');
    expect(reason("0 0 * * 1,")).toBe('the day of week has an empty item in "1,"');
    expect(reason("0 0 31 2,4 *")).toBe("none of its months has a day 31, so it would never run");
    expect(reason("0 0 30 2 *")).toBe("none of its months has a day 30, so it would never run");
  });

  it("takes five fields, no more, no fewer, and none of the extensions", () => {
    expect(reason("")).toBe(
      "it has 0 fields, and needs 5: minute, hour, day of month, month and day of week",
    );
    expect(reason("* * *")).toMatch(/^it has 3 fields, and needs 5/);
    expect(reason("0 17 6 * * 1")).toMatch(/^it has 6 fields/);
    expect(reason("@daily")).toMatch(/^it has 1 field, and needs 5/);
    for (const extension of [
      "H * * * *",
      "0 0 ? * *",
      "0 0 L * *",
      "0 0 15W * *",
      "0 0 * * 1#2",
      "0 0 * * 5L",
    ]) {
      expect(parseCron(extension).ok, extension).toBe(false);
    }
  });
});
