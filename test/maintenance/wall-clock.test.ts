import { describe, expect, it } from "vitest";
import { resolveWallTime, steadyOffset, wallTimeAt, zoneOffset } from "../../src/maintenance/wall-clock.js";

const HOUR = 3_600_000;
const wall = (y: number, mo: number, d: number, h: number, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);
const iso = (t: number): string => new Date(t).toISOString().replace(".000Z", "Z");
const instantOfWallTime = (zone: string, w: number): number => resolveWallTime(zone, w).at;

describe("the wall clock of a time zone", () => {
  it("reads offsets east and west, in summer and winter, with half hours and old seconds", () => {
    expect(zoneOffset("UTC", Date.parse("2025-06-01T00:00:00Z"))).toBe(0);
    expect(zoneOffset("Europe/Paris", Date.parse("2025-06-01T00:00:00Z"))).toBe(2 * HOUR);
    expect(zoneOffset("Europe/Paris", Date.parse("2025-01-01T00:00:00Z"))).toBe(HOUR);
    expect(zoneOffset("America/New_York", Date.parse("2025-01-01T00:00:00Z"))).toBe(-5 * HOUR);
    expect(zoneOffset("Asia/Kolkata", Date.parse("2025-01-01T00:00:00Z"))).toBe(5.5 * HOUR);
    // Paris kept its local mean time (UTC+0:09:21) until 1911.
    expect(zoneOffset("Europe/Paris", Date.parse("1900-01-01T00:00:00Z"))).toBe((9 * 60 + 21) * 1000);
    expect(iso(wallTimeAt("Europe/Paris", Date.parse("2025-06-01T10:00:00Z")))).toBe("2025-06-01T12:00:00Z");
  });

  it("finds the instant of an ordinary reading", () => {
    expect(iso(instantOfWallTime("Europe/Paris", wall(2025, 6, 1, 12)))).toBe("2025-06-01T10:00:00Z");
    expect(iso(instantOfWallTime("America/New_York", wall(2025, 1, 1, 9)))).toBe("2025-01-01T14:00:00Z");
  });

  it("moves a reading in the spring gap forward by the gap", () => {
    // Paris, 30 March 2025: 02:00 → 03:00; 02:30 is read as 03:30 summer time.
    expect(iso(instantOfWallTime("Europe/Paris", wall(2025, 3, 30, 2, 30)))).toBe("2025-03-30T01:30:00Z");
    expect(iso(instantOfWallTime("Europe/Paris", wall(2025, 3, 30, 2, 0)))).toBe("2025-03-30T01:00:00Z");
    // New York, 9 March 2025: 02:00 → 03:00.
    expect(iso(instantOfWallTime("America/New_York", wall(2025, 3, 9, 2, 15)))).toBe("2025-03-09T07:15:00Z");
  });

  it("takes the first of a reading shown twice in autumn", () => {
    expect(iso(instantOfWallTime("Europe/Paris", wall(2025, 10, 26, 2, 30)))).toBe("2025-10-26T00:30:00Z");
    expect(iso(instantOfWallTime("America/New_York", wall(2025, 11, 2, 1, 30)))).toBe("2025-11-02T05:30:00Z");
    // Sydney's clocks go back in April.
    expect(iso(instantOfWallTime("Australia/Sydney", wall(2025, 4, 6, 2, 30)))).toBe("2025-04-05T15:30:00Z");
  });

  it("says whether a clock change is near", () => {
    const change = Date.parse("2025-03-30T01:00:00Z");
    expect(steadyOffset("Europe/Paris", change + 2 * HOUR, 3 * HOUR)).toBeUndefined();
    expect(steadyOffset("Europe/Paris", change - 2 * HOUR, 3 * HOUR)).toBeUndefined();
    expect(steadyOffset("Europe/Paris", change + 4 * HOUR, 3 * HOUR)).toBe(2 * HOUR);
    expect(steadyOffset("Europe/Paris", change - 4 * HOUR, 3 * HOUR)).toBe(HOUR);
    expect(steadyOffset("UTC", change, 3 * HOUR)).toBe(0);
    expect(resolveWallTime("Europe/Paris", wall(2025, 3, 29, 12))).toEqual({
      at: Date.parse("2025-03-29T11:00:00Z"),
      steady: false,
    });
    expect(resolveWallTime("Europe/Paris", wall(2025, 3, 27, 12))).toEqual({
      at: Date.parse("2025-03-27T11:00:00Z"),
      steady: true,
    });
  });
});
