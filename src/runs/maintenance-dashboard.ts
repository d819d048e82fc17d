import type { MaintenanceTask } from "../config/schema.js";
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
  DASHBOARD_TITLE,
  DashboardState,
  readDashboardState,
  renderDashboard,
  withProblem,
  type DashboardEntry,
} from "../maintenance/dashboard.js";
import type { TaskRecord } from "../maintenance/task-record.js";

export interface DashboardScope {
  octokit: OctokitLike;
  repo: RepoRef;
  botLogin: string;
  guard: GuardConfig;
  tasks: readonly MaintenanceTask[];
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

/** Writes one task's latest run into the dashboard and rewrites its table, in place. */
export async function recordOnDashboard(
  d: DashboardScope,
  dash: Dashboard,
  entry: DashboardEntry,
): Promise<void> {
  if (!dash.issue) return;
  const said = entry.said && guardOutbound(entry.said, d.guard);
  // Read again just before writing: other tasks' runs may have written their records since this one began.
  const now = readDashboardState((await readIssue(d.octokit, d.repo, dash.issue.number)).body) ?? dash.state;
  const state: DashboardState = {
    ...now,
    tasks: { ...now.tasks, [entry.task]: { ...entry, ...(said ? { said } : {}) } },
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
