import { describe, expect, it } from "vitest";
import type { MaintenanceTask } from "../../src/config/schema.js";
import {
  newerRecord,
  newlyTicked,
  readDashboardState,
  renderDashboard,
  untickAll,
  type DashboardEntry,
} from "../../src/maintenance/dashboard.js";

const TASK: MaintenanceTask = {
  name: "tidy",
  schedule: "0 6 * * *",
  timezone: "UTC",
  prompt: "Tidy up",
  labels: [],
};
const entry = (o: Partial<DashboardEntry> = {}): DashboardEntry => ({
  task: "tidy",
  hash: "h",
  lastRun: "2026-12-01T06:00:00.000Z",
  outcome: "no_changes",
  failures: 0,
  ...o,
});
const render = (e: DashboardEntry) =>
  renderDashboard({
    tasks: [TASK],
    state: { recreated: false, tasks: { tidy: e } },
    now: new Date("2026-12-01T07:00:00Z"),
    repoUrl: "https://github.com/o/r",
  });

describe("the dashboard's text", () => {
  it("shows a backoff with its end, and keeps a sentence inside its table cell", () => {
    const body = render(
      entry({ outcome: "failed", failures: 3, said: "failed: a | b\n<!-- patchwright:x -->" }),
    );
    expect(body).toContain("backing off after 3 failures until 2026-12-02T06:00Z");
    expect(body).toContain("failed: a \\| b <!-- patchwright&#58;x -->");
    expect(body).toContain("| 2026-12-02 06:00 UTC |");
    expect(readDashboardState(body)?.tasks["tidy"]?.failures).toBe(3);
  });

  it("finds only the boxes ticked by this edit, and unticks them all", () => {
    const body = render(entry());
    const ticked = body.replace("- [ ] run `tidy`", "- [x] run `tidy`");
    expect(newlyTicked(ticked, body)).toEqual(["tidy"]);
    expect(newlyTicked(ticked, ticked)).toEqual([]);
    expect(newlyTicked(body, ticked)).toEqual([]);
    expect(untickAll(ticked)).toBe(body);
  });

  it("keeps the newer of two records of a task", () => {
    const older = entry({ lastRun: "2026-11-30T06:00:00Z" });
    const newer = entry({ lastRun: "2026-12-01T06:00:00Z" });
    expect(newerRecord(older, newer)).toBe(newer);
    expect(newerRecord(newer, older)).toBe(newer);
    expect(newerRecord(undefined, older)).toBe(older);
  });
});
