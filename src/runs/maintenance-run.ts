import type { MaintenanceTask } from "../config/schema.js";
import { isProtectedBranch } from "../github/branch-protection.js";
import { describeGitHubError } from "../github/errors.js";
import { guardKeepingMarkers, guardOutbound } from "../github/guarded-comments.js";
import { tmpdir } from "node:os";
import {
  addLabels,
  commitsBetween,
  deleteBranch,
  openPullsUnder,
  pullCommits,
  pullsForBranch,
  pullsOpenedSince,
  updatePullBody,
  type ListedPull,
  type PullCommit,
} from "../github/maintenance-pulls.js";
import { neutraliseMarkers } from "../github/markers.js";
import { createPullRequest } from "../github/pulls.js";
import { hourStart, limitReason } from "../maintenance/pull-limits.js";
import { outsidePaths } from "../maintenance/task-paths.js";
import { branchFor, taskHash } from "../maintenance/task-identity.js";
import {
  backoffUntil,
  FAILURES_BEFORE_BACKOFF,
  readTaskRecord,
  withTaskRecord,
  type TaskRecord,
} from "../maintenance/task-record.js";
import { DashboardState, newerRecord } from "../maintenance/dashboard.js";
import { dashboardOf, dashboardScope, recordOnDashboard, type Dashboard } from "./maintenance-dashboard.js";
import { gitWithAuth } from "../workspace/git-auth.js";
import { guardedPush } from "../workspace/guarded-push.js";
import { runAgentStep } from "./agent-step.js";
import { repoUrl, testsSentence } from "./change-run.js";
import { figures, type RunReport } from "./report.js";
import type { RunSessionResult } from "./run-session.js";
import { agentStopped, blockedReport, finished, ran, workspaceFor, type RunScope } from "./run-scope.js";

/** Outcomes that count as a failure in a row for the task's backoff. */
const FAILED = new Set<RunReport["outcome"]>(["failed", "blocked", "limit", "refused"]);

/**
 * One run of a maintenance task, the way Renovate keeps one pull request per dependency: one branch per
 * task and at most one open pull request, found by the branch's name. A later run builds on that pull
 * request's branch with new commits (never forced); a commit by anyone else there means hands off; a
 * pull request closed without merging means "no, thanks" until the task's request changes.
 */
export async function maintenanceRun(s: RunScope): Promise<RunReport> {
  const { request } = s;
  const asked = request.maintenance;
  const task = asked && request.config.maintenance.tasks.find((t) => t.name === asked.task);
  if (!asked || !task) {
    return finished(
      s,
      "refused",
      `\`.github/patchwright.yml\` on ${request.repository.defaultBranch} has no maintenance task named ` +
        `"${asked?.task ?? ""}", so nothing ran.`,
    );
  }
  return runMaintenanceTask(s, {
    task,
    hash: taskHash(task),
    dueAt: asked.dueAt,
    title: titleOf(task, request.config.guard),
    prompt: (open) => promptOf(task, open),
    about:
      `\`${task.name}\`, on \`${task.schedule}\` (${task.timezone}), from \`.github/patchwright.yml\`. ` +
      "patchwright adds its next runs to this pull request while it is open; closing it without merging " +
      "declines the task until its prompt or paths change.",
    verified: testsSentence,
    footer: "Scheduled maintenance",
    onDashboard: request.config.maintenance.dashboard,
  });
}

/** What one maintenance run carries out: a task from the config, or the failing-CI fixer's. */
export interface MaintenanceSpec {
  task: Pick<MaintenanceTask, "name" | "prompt" | "paths" | "labels" | "draft">;
  /** What the task asks for: a pull request closed without merging declines this hash. */
  hash: string;
  dueAt: string;
  title: string;
  /** The agent's request, told of the open pull request it builds on. */
  prompt: (open: ListedPull | undefined) => string;
  /** The pull request's "Task" section. */
  about: string;
  /** The pull request's "Verified" section. */
  verified: (agent: RunSessionResult["agent"]) => string;
  /** The footer's first words. */
  footer: string;
  /** The command that verifies the run, instead of `agent.testCommand`. */
  verifyWith?: string;
  /** The failing-CI fixer's: the check that failed, added to those its pull request's record says it fixes. */
  failingCheck?: string;
  /** Lines for the report, whatever the outcome. */
  notes?: string[];
  /**
   * Back off here after failures in a row (the failing-CI fixer, started by every failure); a scheduled
   * task backs off where it is scheduled instead, so a dispatch naming it still runs it.
   */
  backsOff?: boolean;
  /** Record the run on the maintenance dashboard issue (a task from the config, with the dashboard on). */
  onDashboard?: boolean;
}

/**
 * One branch and at most one open pull request for `spec.task`, found by the branch's name; see
 * maintenanceRun. The failing-CI fixer runs through here too, so it keeps the same rules.
 */
export async function runMaintenanceTask(s: RunScope, spec: MaintenanceSpec): Promise<RunReport> {
  const { request } = s;
  const branch = branchFor(spec.task, request.config.branchPrefix);
  const pulls = await pullsForBranch(s.octokit, s.repo, branch);
  const open = pulls.find((p) => p.state === "open");
  const until = spec.backsOff ? backoffUntil(readTaskRecord(open?.body)) : undefined;
  if (until && until > s.deps.now())
    return finished(
      s,
      "waiting",
      `its last ${FAILURES_BEFORE_BACKOFF} runs in a row failed, so it runs again after ` +
        `${until.toISOString().slice(0, 16).replace("T", " ")} UTC at the earliest.`,
      open ? pullLinks(open) : {},
    );
  const failing = spec.failingCheck && [
    ...new Set([...(readTaskRecord(open?.body)?.failing ?? []), spec.failingCheck]),
  ];
  // The dashboard is a view: GitHub refusing it is said in the report, and the task still runs.
  const dashboard = spec.onDashboard
    ? await dashboardOf(s, pulls).catch((err: unknown): Dashboard => ({
        issue: undefined,
        state: DashboardState.parse({}),
        note: `The maintenance dashboard could not be read or opened: ${describeGitHubError(err)}`,
      }))
    : undefined;
  const context: TaskContext = {
    ...spec,
    branch,
    open,
    ...(failing ? { failing } : {}),
    ...(dashboard?.issue
      ? { dashboard: { number: dashboard.issue.number, recreated: dashboard.state.recreated } }
      : {}),
  };
  let report: RunReport;
  try {
    report = await runTask(s, context, pulls);
  } catch (err) {
    if (open) await record(s, context, "failed").catch(() => undefined);
    if (dashboard)
      await onDashboard(s, dashboard, context, pulls, {
        outcome: "failed",
        headline: "failed: the run stopped on an error; the next tick tries again.",
      }).catch(() => undefined);
    throw err;
  }
  const notes = [...(spec.notes ?? []), ...(dashboard?.note ? [dashboard.note] : [])];
  if (notes.length) report.notes = [...(report.notes ?? []), ...notes];
  // The open pull request carries the task's record; a task that ignores its branch leaves it alone.
  if (open && report.outcome !== "skipped") await record(s, context, report.outcome, report);
  if (dashboard)
    await onDashboard(s, dashboard, context, pulls, report).catch((err: unknown) => {
      report.notes = [
        ...(report.notes ?? []),
        `The maintenance dashboard could not be updated: ${describeGitHubError(err)}`,
      ];
    });
  return report;
}

/** This run's line on the dashboard: what it said, its pull request, its cost, failures in a row. */
async function onDashboard(
  s: RunScope,
  dashboard: Dashboard,
  t: TaskContext,
  pulls: ListedPull[],
  report: Pick<RunReport, "outcome" | "headline" | "pullRequest" | "agent">,
): Promise<void> {
  const previous = newerRecord(dashboard.state.tasks[t.task.name], readTaskRecord(pulls[0]?.body));
  const pull = report.pullRequest?.number ?? t.open?.number;
  await recordOnDashboard(dashboardScope(s), dashboard, {
    ...outcomeRecord(t, report.outcome, previous),
    said: report.headline,
    ...(pull !== undefined ? { pull } : {}),
    ...(report.agent ? { costUsd: report.agent.costUsd } : {}),
  });
}

interface TaskContext extends MaintenanceSpec {
  branch: string;
  /** The checks the failing-CI fixer's pull request fixes, for its record. */
  failing?: string[];
  /** The task's open pull request, if it has one. */
  open: ListedPull | undefined;
  /** The dashboard issue this run writes to, remembered in the task's record. */
  dashboard?: TaskRecord["dashboard"];
}

async function runTask(s: RunScope, t: TaskContext, pulls: ListedPull[]): Promise<RunReport> {
  const { open, branch } = t;
  if (open) {
    if (await someoneElsesCommit(s, open.number))
      return finished(
        s,
        "skipped",
        `someone other than patchwright pushed to \`${branch}\`, so this task no longer touches it; merge or ` +
          `close #${open.number}, and the task proposes again once its prompt or paths change.`,
        { branch, ...pullLinks(open) },
      );
  } else {
    const last = pulls[0];
    const declined = readTaskRecord(last?.body);
    // The fixer closes its own pull request once the branch passes again ("passed"): that is no "no, thanks".
    if (last && !last.merged_at && declined?.hash === t.hash && declined.outcome !== "passed")
      return finished(
        s,
        "skipped",
        `#${last.number} was closed without merging, so this task is not proposed again until its prompt or ` +
          "paths change.",
        pullLinks(last),
      );
    const waiting = await overLimit(s);
    if (waiting) return finished(s, "waiting", waiting);
    // A branch left behind (by a closed pull request, or a run whose pull request could not be opened):
    // started afresh if only patchwright wrote on it.
    if (await remoteBranchExists(s, branch)) {
      const commits = last
        ? await pullCommits(s.octokit, s.repo, last.number)
        : await commitsBetween(s.octokit, s.repo, s.request.refs.base, branch);
      if (commits.some((c) => !isOurs(s, c)))
        return finished(
          s,
          "skipped",
          `\`${branch}\`${last ? `, left from #${last.number},` : ""} has commits by someone other than ` +
            "patchwright, so this task does not touch it; delete the branch to let it propose again.",
          last ? pullLinks(last) : {},
        );
      await deleteBranch(s.octokit, s.repo, branch);
    }
  }
  return change(s, t);
}

async function change(s: RunScope, t: TaskContext): Promise<RunReport> {
  const { request } = s;
  const { task, open, branch } = t;
  const verifying = t.verifyWith
    ? { ...s, request: { ...request, config: withTestCommand(request.config, t.verifyWith) } }
    : s;
  const from = open ? `refs/heads/${branch}` : `refs/heads/${request.refs.base}`;
  const ws = await workspaceFor(s, [from]);
  try {
    const base = ws.shas[from]!;
    const title = t.title;
    const run = await runAgentStep(
      {
        mode: "implement",
        repoDir: ws.dir,
        base,
        instruction: task.prompt,
        prompt: t.prompt(open),
        commitTitle: title,
      },
      verifying,
    );
    if (run.agent.outcome !== "finished") return agentStopped(s, run);
    const day = s.deps.now().toISOString().slice(0, 10);
    if (!run.commit)
      return finished(s, "no_changes", `nothing to do on ${day}: the task needed no change.`, {
        details: run.agent.finalText,
        ...ran(run),
        ...(open ? { branch, ...pullLinks(open) } : {}),
      });
    if (run.blockedBy.length) return blockedReport(s, run);
    const outside = outsidePaths(run.files, task.paths);
    if (outside.length)
      return finished(
        s,
        "blocked",
        `the change touches ${outside.map((f) => `\`${f}\``).join(", ")}, outside the task's \`paths\`, ` +
          "so nothing was pushed.",
        ran(run),
      );
    const token = await s.deps.tokenFor(request, { fresh: true });
    const pushed = await guardedPush({
      worktree: ws.dir,
      ref: run.commit,
      remoteUrl: ws.remoteUrl,
      branch,
      base,
      defaultBranch: request.repository.defaultBranch,
      ...(token ? { token } : {}),
      guard: request.config.guard,
      allowWorkflowChanges: request.config.workflows.allowChanges,
      isProtected: (b) => isProtectedBranch(s.octokit, s.repo, b),
    });
    if (pushed.status === "blocked") return blockedReport(s, { ...run, blockedBy: pushed.findings });
    if (pushed.status === "refused")
      return finished(
        s,
        "refused",
        pushed.reason.replace(/^./, (c) => c.toLowerCase()),
        ran(run),
      );
    const files = `${run.files.length} file${run.files.length === 1 ? "" : "s"}`;
    const body = pullBody(s, t, run);
    if (open) {
      await updatePullBody(s.octokit, s.repo, open.number, body(outcomeRecord(t, "pushed")));
      return finished(s, "pushed", `pushed a commit changing ${files} to #${open.number}.`, {
        details: run.agent.finalText,
        ...ran(run),
        branch,
        pullRequest: { number: open.number, url: open.html_url },
        links: [{ label: "the commit", url: `${repoUrl(s)}/pull/${open.number}/commits/${pushed.sha}` }],
      });
    }
    return await openPull(s, t, run, title, body(outcomeRecord(t, "pr_opened")), files);
  } finally {
    await ws.cleanup();
  }
}

async function openPull(
  s: RunScope,
  t: TaskContext,
  run: RunSessionResult,
  title: string,
  body: string,
  files: string,
): Promise<RunReport> {
  const { request } = s;
  let pr;
  try {
    pr = await createPullRequest(s.octokit, s.repo, {
      title,
      body,
      head: t.branch,
      base: request.refs.base,
      draft: t.task.draft ?? request.config.pullRequests.draft,
    });
  } catch (err) {
    return finished(
      s,
      "failed",
      `the change was pushed to \`${t.branch}\`, but the pull request could not be opened: ` +
        `${describeGitHubError(err)} The next run tries again.`,
      { ...ran(run), branch: t.branch },
    );
  }
  const notes: string[] = [];
  await addLabels(s.octokit, s.repo, pr.number, t.task.labels ?? []).catch((err: unknown) => {
    notes.push(`The labels could not be added: ${describeGitHubError(err)}`);
  });
  const shown = ran(run);
  return finished(s, "pr_opened", `opened #${pr.number} changing ${files}.`, {
    details: run.agent.finalText,
    ...shown,
    ...(notes.length ? { notes: [...(shown.notes ?? []), ...notes] } : {}),
    branch: t.branch,
    pullRequest: { number: pr.number, url: pr.html_url },
    links: [{ label: `#${pr.number}`, url: pr.html_url }],
  });
}

/** Whether a commit on the pull request was written or pushed by anyone but patchwright. */
async function someoneElsesCommit(s: RunScope, number: number): Promise<boolean> {
  const commits = await pullCommits(s.octokit, s.repo, number);
  return commits.some((c) => !isOurs(s, c));
}

function isOurs(s: RunScope, c: PullCommit): boolean {
  const ours = s.deps.author.email.toLowerCase();
  return c.commit.author?.email?.toLowerCase() === ours && c.commit.committer?.email?.toLowerCase() === ours;
}

/** Asked of git, not the API: most tasks have no branch, and this costs no API call. */
async function remoteBranchExists(s: RunScope, branch: string): Promise<boolean> {
  const token = await s.deps.tokenFor(s.request, { fresh: false });
  const out = await gitWithAuth(
    tmpdir(),
    ["ls-remote", "--heads", s.deps.remoteUrlFor(s.request), `refs/heads/${branch}`],
    token,
  );
  return out.trim() !== "";
}

/** Why a new maintenance pull request must wait (maintenance.limits), in one sentence. */
async function overLimit(s: RunScope): Promise<string | undefined> {
  const prefix = `${s.request.config.branchPrefix}maintenance/`;
  const now = s.deps.now();
  const open = await openPullsUnder(s.octokit, s.repo, prefix);
  const limits = s.request.config.maintenance.limits;
  if (open.length >= limits.prConcurrent)
    return limitReason(limits, { open: open.length, openedThisHour: 0 }, now);
  const opened = await pullsOpenedSince(s.octokit, s.repo, prefix, hourStart(now));
  return limitReason(limits, { open: open.length, openedThisHour: opened.length }, now);
}

function outcomeRecord(t: TaskContext, outcome: string, previous?: TaskRecord): TaskRecord {
  const failed = FAILED.has(outcome as RunReport["outcome"]);
  return {
    task: t.task.name,
    hash: t.hash,
    lastRun: t.dueAt,
    outcome,
    failures: failed ? (previous?.failures ?? 0) + 1 : 0,
    ...(t.failing ? { failing: t.failing } : {}),
    ...(t.dashboard ? { dashboard: t.dashboard } : {}),
  };
}

/** Writes this run into the open pull request's record, unless the body was just rewritten with it. */
async function record(s: RunScope, t: TaskContext, outcome: string, report?: RunReport): Promise<void> {
  const open = t.open!;
  if (report?.outcome === "pushed") return;
  const next = outcomeRecord(t, outcome, readTaskRecord(open.body));
  await updatePullBody(
    s.octokit,
    s.repo,
    open.number,
    guardKeepingMarkers(withTaskRecord(open.body, next), s.request.config.guard),
  );
}

function promptOf(task: MaintenanceTask, open: ListedPull | undefined): string {
  return [
    `Scheduled maintenance task "${task.name}", set in the repository's .github/patchwright.yml:`,
    "",
    task.prompt,
    "",
    ...(task.paths?.length
      ? [
          `Change only files matching these globs: ${task.paths.join(", ")}. A change to any other file is refused.`,
          "",
        ]
      : []),
    open
      ? `This branch already holds your earlier work on this task (pull request #${open.number}): build on it. ` +
        "If the task is already done, change nothing."
      : "If the repository already does what the task asks, change nothing: no change means no pull request.",
  ].join("\n");
}

/** The prompt's first line, as a pull request's title; the task's name when that line cannot be shown. */
function titleOf(task: MaintenanceTask, guard: RunScope["request"]["config"]["guard"]): string {
  const first = task.prompt.trim().split("\n")[0]!.trim().replace(/\.$/, "");
  const title = first.charAt(0).toUpperCase() + first.slice(1);
  const short = title.length <= 120 ? title : `${title.slice(0, 119)}…`;
  return short && guardOutbound(short, guard) === short ? short : `Maintenance: ${task.name}`;
}

/** The body: what was done, what was verified, what it cost; the task's record at the end. */
function pullBody(s: RunScope, t: TaskContext, run: RunSessionResult): (record: TaskRecord) => string {
  const { agent } = run;
  const text = [
    neutraliseMarkers(agent.finalText.trim() || "(The agent gave no account of its change.)"),
    "",
    "### Files",
    ...run.files.map((f) => `- \`${f}\``),
    "",
    "### Verified",
    t.verified(agent),
    "",
    "### Task",
    t.about,
    "",
    "---",
    `<sub>${t.footer} · run \`${s.request.id}\` · ${figures({ agent, elapsedMs: s.deps.now().getTime() - s.started })}</sub>`,
  ].join("\n");
  return (r) => guardKeepingMarkers(withTaskRecord(text, r), s.request.config.guard);
}

function pullLinks(pr: ListedPull): Pick<RunReport, "pullRequest" | "links"> {
  return {
    pullRequest: { number: pr.number, url: pr.html_url },
    links: [{ label: `#${pr.number}`, url: pr.html_url }],
  };
}

function withTestCommand(
  config: RunScope["request"]["config"],
  command: string,
): RunScope["request"]["config"] {
  return { ...config, agent: { ...config.agent, testCommand: command } };
}
