import type { RepoConfig } from "../config/schema.js";
import type { GuardConfig } from "../guard/config.js";
import {
  findOurIssue,
  openIssue,
  readIssue,
  updateIssueBody,
  type ListedIssue,
} from "../github/dashboard-issue.js";
import { guardKeepingMarkers, guardOutbound } from "../github/guarded-comments.js";
import type { OctokitLike, RepoRef } from "../github/octokit-like.js";
import {
  DASHBOARD_DIFF_CHARS,
  DASHBOARD_TITLE,
  DashboardState,
  newerRecord,
  readDashboardState,
  renderDashboard,
  withProblem,
  type DashboardEntry,
} from "../maintenance/dashboard.js";
import type { ListedPull } from "../github/maintenance-pulls.js";
import { dreamSchedule } from "../maintenance/dream-record.js";
import { readTaskRecord } from "../maintenance/task-record.js";
import { readTaskRecords } from "../maintenance/task-records.js";
import type { Scheduled } from "../maintenance/schedule.js";
import type { TaskRecord } from "../maintenance/task-record.js";
import { repoUrl } from "./change-run.js";
import type { RunScope } from "./run-scope.js";

export interface DashboardScope {
  octokit: OctokitLike;
  repo: RepoRef;
  botLogin: string;
  guard: GuardConfig;
  /** What the dashboard lists: dashboardTasks(config). */
  tasks: readonly Scheduled[];
  now: Date;
  repoUrl: string;
}

export interface Dashboard {
  /** The issue, unless it was deleted after being recreated once. */
  issue: ListedIssue | undefined;
  state: DashboardState;
  /** Why the dashboard is not shown as usual (closed, deleted twice), for the run's report. */
  note?: string;
}

/** The repository's dashboard issue as found, open or closed; undefined when there is none. */
export async function findDashboard(
  octokit: OctokitLike,
  repo: RepoRef,
  botLogin: string,
): Promise<{ issue: ListedIssue; state: DashboardState } | undefined> {
  const issue = await findOurIssue(octokit, repo, botLogin, (b) => readDashboardState(b) !== undefined);
  return issue && { issue, state: readDashboardState(issue.body)! };
}

/**
 * The dashboard for this run: found, or opened when there is none. `known` is the newest task record
 * naming a dashboard: if one existed and none is found, a person deleted it; it is recreated once, and
 * after a second deletion it stays gone (the records in the pull requests remember that).
 */
export async function openDashboard(
  d: DashboardScope,
  known: () => Promise<TaskRecord["dashboard"]>,
): Promise<Dashboard> {
  const found = await findDashboard(d.octokit, d.repo, d.botLogin);
  if (found)
    return {
      ...found,
      ...(found.issue.state === "closed"
        ? {
            note:
              `The maintenance dashboard #${found.issue.number} was closed, so patchwright leaves it closed ` +
              "and only keeps its records there; reopen it to see the tasks again.",
          }
        : {}),
    };
  const before = await known();
  if (before?.recreated)
    return {
      issue: undefined,
      state: DashboardState.parse({}),
      note:
        `The maintenance dashboard #${before.number} was deleted after patchwright had already recreated it ` +
        "once, so it is not recreated again; set `maintenance.dashboard: false` to stop this note.",
    };
  const state = DashboardState.parse({ recreated: before !== undefined });
  const issue = await openIssue(d.octokit, d.repo, DASHBOARD_TITLE, body(d, state));
  return { issue, state };
}

/** The config's tasks and dreaming, when it is scheduled: the dashboard's rows and "run now" boxes. */
export function dashboardTasks(config: RepoConfig): Scheduled[] {
  const dream = dreamSchedule(config);
  return [...config.maintenance.tasks, ...(dream ? [dream] : [])];
}

/**
 * Writes one task's latest run into the dashboard and rewrites its table, in place. Dreaming passes its
 * dry run's diff (guarded), or null to drop the last one once it commits for real.
 */
export async function recordOnDashboard(
  d: DashboardScope,
  dash: Dashboard,
  entry: DashboardEntry,
  dreamDiff?: { at: string; diff: string } | null,
): Promise<void> {
  if (!dash.issue) return;
  const said = entry.said && guardOutbound(entry.said, d.guard);
  // Read again just before writing: other tasks' runs may have written their records since this one began.
  const now = readDashboardState((await readIssue(d.octokit, d.repo, dash.issue.number)).body) ?? dash.state;
  const { dreamDiff: lastDiff, ...rest } = now;
  const diff = dreamDiff === undefined ? lastDiff : (dreamDiff ?? undefined);
  const state: DashboardState = {
    ...rest,
    tasks: { ...now.tasks, [entry.task]: { ...entry, ...(said ? { said } : {}) } },
    ...(diff ? { dreamDiff: { at: diff.at, diff: diff.diff.slice(0, DASHBOARD_DIFF_CHARS) } } : {}),
  };
  await updateIssueBody(d.octokit, d.repo, dash.issue.number, body(d, state));
}

/** An existing dashboard says why nothing runs (a bad config); none is opened for it. */
export async function sayOnDashboard(
  octokit: OctokitLike,
  repo: RepoRef,
  botLogin: string,
  guard: GuardConfig,
  problem: string,
): Promise<boolean> {
  const found = await findDashboard(octokit, repo, botLogin);
  if (!found) return false;
  const text = withProblem(found.issue.body ?? "", problem);
  await updateIssueBody(octokit, repo, found.issue.number, guardKeepingMarkers(text, guard));
  return true;
}

function body(d: DashboardScope, state: DashboardState): string {
  const text = renderDashboard({ tasks: d.tasks, state, now: d.now, repoUrl: d.repoUrl });
  return guardKeepingMarkers(text, d.guard);
}

/** The dashboard as a maintenance run (a task, dreaming) sees it. */
export function dashboardScope(s: RunScope): DashboardScope {
  return {
    octokit: s.octokit,
    repo: s.repo,
    botLogin: s.deps.botLogin,
    guard: s.request.config.guard,
    tasks: dashboardTasks(s.request.config),
    now: s.deps.now(),
    repoUrl: repoUrl(s),
  };
}

/**
 * The dashboard, found or opened; whether one existed before is read from the tasks' pull requests
 * (`pulls`: the running task's own, already listed).
 */
export async function dashboardOf(s: RunScope, pulls: readonly ListedPull[] = []): Promise<Dashboard> {
  return openDashboard(dashboardScope(s), async () => {
    const { tasks } = s.request.config.maintenance;
    const records = await readTaskRecords(s.octokit, s.repo, tasks, s.request.config.branchPrefix);
    const own = pulls.map((p) => readTaskRecord(p.body)).find((r) => r?.dashboard);
    const newest = [...records.values(), ...(own ? [own] : [])]
      .filter((r) => r.dashboard)
      .reduce<TaskRecord | undefined>((a, b) => newerRecord(a, b), undefined);
    return newest?.dashboard;
  });
}
