import { z } from "zod";
import { hiddenMarker, neutraliseMarkers } from "../github/markers.js";
import { nextRun, type Scheduled } from "./schedule.js";
import { backoffUntil, TaskRecord } from "./task-record.js";

export const DASHBOARD_TITLE = "patchwright maintenance";

/** One task as the dashboard remembers it: its record, plus what its last run said and cost. */
export const DashboardEntry = TaskRecord.extend({
  /** The last run's headline, already through the leak guard. */
  said: z.string().optional(),
  pull: z.number().int().optional(),
  costUsd: z.number().optional(),
});
export type DashboardEntry = z.infer<typeof DashboardEntry>;

/**
 * What the dashboard issue's hidden marker keeps: each task's entry, so a task with no pull request
 * still has a last run; and whether this issue replaced a deleted one, so it is recreated once only.
 */
export const DashboardState = z.object({
  tasks: z.record(z.string(), DashboardEntry).default({}),
  recreated: z.boolean().default(false),
  /** What dreaming's last dry run would have committed (already through the leak guard). */
  dreamDiff: z.object({ at: z.string(), diff: z.string() }).optional(),
});
export type DashboardState = z.infer<typeof DashboardState>;

// Only a marker the body ends with counts: a person editing the issue could paste one above it.
const dashboardMarker = hiddenMarker({
  kind: "dashboard",
  payload: DashboardState,
  encoding: { as: "json" },
  place: "end",
});

export function readDashboardState(body: string | null | undefined): DashboardState | undefined {
  return dashboardMarker.read(body);
}

/** Two sources of one task's record (the dashboard's, the pull request's): the newer run wins. */
export function newerRecord<T extends TaskRecord>(a: T | undefined, b: T | undefined): T | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b.lastRun) > Date.parse(a.lastRun) ? b : a;
}

/** A dry run's diff shown on the dashboard, at most: an issue body holds 65,536 characters in all. */
export const DASHBOARD_DIFF_CHARS = 12_000;

export interface DashboardView {
  /** The config's tasks, and dreaming (`dream`) when it is scheduled. */
  tasks: readonly Scheduled[];
  state: DashboardState;
  now: Date;
  repoUrl: string;
}

/** The dashboard's body: a table of the tasks, a "run now" box per task, and the state marker. */
export function renderDashboard(v: DashboardView): string {
  const rows = v.tasks.map((task) => {
    const e = v.state.tasks[task.name];
    const cells = [
      `\`${task.name}\``,
      `\`${task.schedule}\` (${task.timezone})`,
      day(nextRun(task, v.now)),
      e ? `${day(new Date(e.lastRun))}: ${sentence(e, v.now)}` : "not run yet",
      e?.pull ? `[#${e.pull}](${v.repoUrl}/pull/${e.pull})` : "—",
      e?.costUsd !== undefined ? `$${e.costUsd.toFixed(2)}` : "—",
    ];
    return `| ${cells.map(cell).join(" | ")} |`;
  });
  return [
    "patchwright keeps this issue up to date after each maintenance run; edits to the table are overwritten.",
    "",
    "| Task | Schedule | Next run | Last run | Pull request | Cost |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "**Run now** (tick a box; it is unticked once the run is queued):",
    "",
    ...v.tasks.map((t) => `- [ ] ${RUN_NOW} \`${t.name}\``),
    "",
    ...(v.state.dreamDiff ? dreamDiffSection(v.state.dreamDiff) : []),
    dashboardMarker.render(v.state),
  ].join("\n");
}

const PROBLEM = /^\*\*Nothing runs:\*\*[^\n]*\n\n/m;

/** An existing dashboard's body saying why nothing runs (a bad config), its table kept as it was. */
export function withProblem(body: string, problem: string): string {
  const line = `**Nothing runs:** ${neutraliseMarkers(problem.replace(/\s*\n\s*/g, " "))}\n\n`;
  const kept = body.replace(PROBLEM, "");
  const at = kept.indexOf("| Task |");
  return at < 0 ? `${line}${kept}` : `${kept.slice(0, at)}${line}${kept.slice(at)}`;
}

const RUN_NOW = "run";
const TICKED = new RegExp(`^\\s*[-*] \\[[xX]\\] ${RUN_NOW} \`([^\`\\n]+)\`\\s*$`, "gm");

/** The tasks whose "run now" box is ticked in `body` and was not in `before`. */
export function newlyTicked(body: string, before: string | null | undefined): string[] {
  const was = new Set([...(before ?? "").matchAll(TICKED)].map((m) => m[1]!));
  return [...new Set([...body.matchAll(TICKED)].map((m) => m[1]!))].filter((n) => !was.has(n));
}

/** The body with every "run now" box unticked. */
export function untickAll(body: string): string {
  return body.replace(TICKED, (line) => line.replace(/\[[xX]\]/, "[ ]"));
}

/** Dreaming's dry run: the diff it would have committed, folded. */
function dreamDiffSection(d: { at: string; diff: string }): string[] {
  // A fence longer than any run of backticks in the diff, so the diff cannot end it.
  const longest = Math.max(2, ...[...d.diff.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return [
    `<details><summary>Dreaming, dry run of ${day(new Date(d.at))}: what it would commit to the memory branch</summary>`,
    "",
    `${fence}diff`,
    d.diff.slice(0, DASHBOARD_DIFF_CHARS),
    fence,
    "",
    "</details>",
    "",
  ];
}

function sentence(e: DashboardEntry, now: Date): string {
  const until = backoffUntil(e);
  const said = e.said ?? e.outcome ?? "ran";
  if (until && until > now)
    return `backing off after ${e.failures} failures until ${until.toISOString().replace(/:\d\d\.\d+Z$/, "Z")}; the last: ${said}`;
  return said;
}

function day(d: Date): string {
  return Number.isNaN(d.getTime()) ? "—" : d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

/** A table cell: no line breaks or pipes from the sentences inside. */
function cell(text: string): string {
  return neutraliseMarkers(text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|"));
}
