import { tmpdir } from "node:os";
import { costUsd } from "../agent/model/prices.js";
import { isProtectedBranch } from "../github/branch-protection.js";
import { describeGitHubError } from "../github/errors.js";
import { GUARD_BLOCKED, guardOutbound } from "../github/guarded-comments.js";
import { consolidateNotes, type Consolidation } from "../maintenance/consolidate-notes.js";
import { treePaths } from "../maintenance/dream-paths.js";
import { askForPlan } from "../maintenance/dream-plan.js";
import { DREAM_RECORD_FILE, DREAM_TASK, renderDreamRecord } from "../maintenance/dream-record.js";
import { BranchMemoryStore, MEMORY_BRANCH, type MemoryCommitResult } from "../memory/memory-store.js";
import { git, GitError } from "../workspace/git.js";
import { gitWithAuth } from "../workspace/git-auth.js";
import { guardedPush, type PushResult } from "../workspace/guarded-push.js";
import type { Workspace } from "../workspace/prepare-workspace.js";
import { dashboardOf, dashboardScope, recordOnDashboard } from "./maintenance-dashboard.js";
import { finished, workspaceFor, type RunScope } from "./run-scope.js";
import type { RunReport } from "./report.js";

/** The most of a dry run's diff shown in its report. */
const MAX_DIFF_CHARS = 60_000;

/** What a run changed on the memory branch: each path's new text, or null when it was deleted. */
type Edits = Map<string, string | null>;

/**
 * Dreaming (`maintenance.dream`): one run that consolidates the memory notes on `patchwright/memory`
 * (consolidate-notes.ts) and commits the result once, with a changelog in the message and the run's
 * record in `.patchwright-dream.json`, through the leak guard, on the memory branch only: no pull
 * request. A dry run commits nothing and reports the diff. A branch that moved meanwhile (someone wrote a
 * note) gets the same edits replayed on its new tip once, when they touch different notes; never a
 * force push.
 */
export async function dreamRun(s: RunScope): Promise<RunReport> {
  const report = await consolidate(s);
  // The dashboard is a view: GitHub refusing it is said in the report, and dreaming's outcome stands.
  if (s.request.config.maintenance.dashboard)
    await onDashboard(s, report).catch((err: unknown) => {
      report.notes = [
        ...(report.notes ?? []),
        `The maintenance dashboard could not be updated: ${describeGitHubError(err)}`,
      ];
    });
  return report;
}

/**
 * Dreaming's row on the dashboard, and a dry run's diff below the table (a real run's commit drops the
 * last one; a run that changed nothing leaves it).
 */
async function onDashboard(s: RunScope, report: RunReport): Promise<void> {
  const dashboard = await dashboardOf(s);
  const at = s.request.maintenance?.dueAt ?? s.deps.now().toISOString();
  const diff =
    report.dreamDiff !== undefined
      ? { at, diff: report.dreamDiff }
      : report.outcome === "pushed"
        ? null
        : undefined;
  await recordOnDashboard(
    dashboardScope(s),
    dashboard,
    {
      task: DREAM_TASK,
      hash: "",
      lastRun: at,
      outcome: report.outcome,
      failures: 0,
      said: report.headline,
      ...(report.agent ? { costUsd: report.agent.costUsd } : {}),
    },
    diff,
  );
  if (dashboard.note) report.notes = [...(report.notes ?? []), dashboard.note];
}

async function consolidate(s: RunScope): Promise<RunReport> {
  const { request, deps } = s;
  const dream = request.config.maintenance.dream;
  if (!dream || !request.config.features.memory)
    return finished(
      s,
      "refused",
      "`.github/patchwright.yml` does not set `maintenance.dream` with `features.memory: true`, so nothing " +
        "was consolidated.",
    );
  const baseRef = `refs/heads/${request.refs.base}`;
  const ws = await workspaceFor(s, [baseRef]);
  try {
    const before = await fetchMemory(s, ws);
    if (!before)
      return finished(
        s,
        "no_changes",
        `there are no memory notes to consolidate yet: \`${MEMORY_BRANCH}\` does not exist.`,
      );
    const files = await git(ws.dir, ["ls-tree", "-r", "-z", "--name-only", ws.shas[baseRef]!]);
    const store = new BranchMemoryStore({ repoDir: ws.dir, guard: request.config.guard });
    const model = request.config.model ?? deps.defaultModel;
    const dueAt = request.maintenance?.dueAt ?? deps.now().toISOString();
    const result = await consolidateNotes({
      store,
      tree: treePaths(files.split("\0").filter(Boolean)),
      changedAt: await lastChanges(ws.dir, before),
      defaultBranch: request.refs.base,
      ask: (notes, maxNotes) => askForPlan(deps.model, { model, notes, maxNotes, signal: s.signal }),
    }).catch(async (err: unknown) => {
      if (!dream.dryRun) await recordOnly(s, ws, before, dueAt, "failed").catch(() => false);
      throw err;
    });
    const notes = [...result.notes, ...usageNote(model, result)];
    const changed = result.changelog.length > 0;
    const changelog = result.changelog.map((line) => `- ${line}`).join("\n");

    if (dream.dryRun) {
      if (!changed)
        return finished(s, "no_changes", "dry run: the memory notes need no consolidation.", { notes });
      const saved = await store.commit(commitMessage(result, undefined), deps.author);
      if (saved.status !== "committed") return blocked(s, saved, notes);
      // The commit only produced the diff: the local branch goes back, nothing is pushed.
      const diff = await git(ws.dir, ["diff", "--no-color", "--no-renames", before, saved.commit]);
      await git(ws.dir, ["update-ref", `refs/heads/${MEMORY_BRANCH}`, before, saved.commit]);
      const shown = guardOutbound(cut(diff), request.config.guard);
      return finished(
        s,
        "no_changes",
        `dry run: dreaming would make ${result.changelog.length} change(s) to the memory notes; nothing was committed.`,
        { details: `${changelog}\n\n\`\`\`diff\n${shown}\n\`\`\``, notes, dreamDiff: shown },
      );
    }

    await store.writeOwnFile(
      DREAM_RECORD_FILE,
      renderDreamRecord({ lastRun: dueAt, outcome: changed ? "consolidated" : "nothing_to_do" }),
    );
    const edits: Edits = new Map();
    for (const path of await store.pendingPaths()) edits.set(path, (await store.read(path)) ?? null);
    const message = commitMessage(result, dueAt);
    const saved = await store.commit(message, deps.author);
    if (saved.status === "blocked") {
      const recorded = await recordOnly(s, ws, before, dueAt, "blocked");
      return blocked(s, saved, [...notes, recordedNote(recorded)]);
    }
    if (saved.status !== "committed") return blocked(s, saved, notes);
    let pushed = await push(s, ws, saved.commit, before);
    if (pushed.status === "refused" && (await remoteHead(s, ws)) !== before) {
      const replayed = await replay(s, ws, before, edits, message);
      if (typeof replayed === "string") return finished(s, "skipped", replayed, { notes });
      pushed = replayed;
      notes.push(
        "Someone wrote to the memory branch while dreaming: the consolidation was replayed on their commit.",
      );
    }
    if (pushed.status === "blocked")
      return finished(s, "blocked", `${GUARD_BLOCKED} the consolidated notes, so nothing was pushed.`, {
        details: pushed.findings
          .map((f) => `- \`${f.ruleId}\` in ${f.path ?? f.where}: ${f.redacted}`)
          .join("\n"),
        notes,
      });
    if (pushed.status === "refused")
      return finished(
        s,
        "refused",
        pushed.reason.replace(/^./, (c) => c.toLowerCase()),
        { notes },
      );
    const headline = changed
      ? `consolidated the memory notes in one commit on \`${MEMORY_BRANCH}\` (${result.changelog.length} change(s)).`
      : `the memory notes needed no consolidation; the run is recorded on \`${MEMORY_BRANCH}\`.`;
    return finished(s, changed ? "pushed" : "no_changes", headline, {
      ...(changed ? { details: changelog } : {}),
      branch: MEMORY_BRANCH,
      notes,
    });
  } finally {
    await ws.cleanup();
  }
}

/** The message: a title, the changelog, and the run's due time as a trailer. */
function commitMessage(result: Consolidation, dueAt: string | undefined): string {
  const title = result.changelog.length
    ? "Dream: consolidate the memory notes"
    : "Dream: nothing to consolidate";
  const body = result.changelog.map((line) => `- ${line}`).join("\n");
  return [title, ...(body ? ["", body] : []), ...(dueAt ? ["", `Patchwright-Dream-Run: ${dueAt}`] : [])].join(
    "\n",
  );
}

/** The memory branch, fetched with its history (for when each note last changed); undefined when missing. */
async function fetchMemory(s: RunScope, ws: Workspace): Promise<string | undefined> {
  const token = await s.deps.tokenFor(s.request, { fresh: false });
  try {
    await gitWithAuth(
      ws.dir,
      [
        "fetch",
        "--quiet",
        "--no-tags",
        ws.remoteUrl,
        `+refs/heads/${MEMORY_BRANCH}:refs/heads/${MEMORY_BRANCH}`,
      ],
      token,
    );
  } catch (err) {
    if (err instanceof GitError && /couldn't find remote ref/i.test(err.stderr)) return undefined;
    throw err;
  }
  return (await git(ws.dir, ["rev-parse", `refs/heads/${MEMORY_BRANCH}`])).trim();
}

async function remoteHead(s: RunScope, ws: Workspace): Promise<string | undefined> {
  const token = await s.deps.tokenFor(s.request, { fresh: false });
  const out = await gitWithAuth(
    tmpdir(),
    ["ls-remote", "--heads", ws.remoteUrl, `refs/heads/${MEMORY_BRANCH}`],
    token,
  );
  return out.split("\t")[0]?.trim() || undefined;
}

/** When each path last changed on the branch, newest commit first. */
async function lastChanges(dir: string, head: string): Promise<Map<string, string>> {
  const out = await git(dir, ["log", "--no-renames", "--format=%x00%cI", "--name-only", head]);
  const changed = new Map<string, string>();
  for (const record of out.split("\0")) {
    const [when = "", ...paths] = record.split("\n");
    for (const path of paths) if (path && !changed.has(path)) changed.set(path, when.trim());
  }
  return changed;
}

async function push(s: RunScope, ws: Workspace, commit: string, base: string): Promise<PushResult> {
  const token = await s.deps.tokenFor(s.request, { fresh: true });
  return guardedPush({
    worktree: ws.dir,
    ref: commit,
    remoteUrl: ws.remoteUrl,
    branch: MEMORY_BRANCH,
    base,
    defaultBranch: s.request.repository.defaultBranch,
    ...(token ? { token } : {}),
    guard: s.request.config.guard,
    isProtected: (b) => isProtectedBranch(s.octokit, s.repo, b),
  });
}

/**
 * The branch moved while dreaming: the same edits once more on its new tip, if the commits in between
 * touched none of the paths this run changed. A sentence when it gives up; the next run tries again.
 */
async function replay(
  s: RunScope,
  ws: Workspace,
  before: string,
  edits: Edits,
  message: string,
): Promise<PushResult | string> {
  const theirs = await fetchMemory(s, ws);
  if (!theirs) return `\`${MEMORY_BRANCH}\` was deleted while dreaming, so nothing was committed.`;
  const touched = (await git(ws.dir, ["diff", "--name-only", "--no-renames", "-z", before, theirs]))
    .split("\0")
    .filter((p) => edits.has(p));
  if (touched.length)
    return (
      `someone changed ${touched.map((p) => `\`${p}\``).join(", ")} on \`${MEMORY_BRANCH}\` while dreaming, ` +
      "so nothing was committed; the next run starts from their version."
    );
  const store = new BranchMemoryStore({ repoDir: ws.dir, guard: s.request.config.guard });
  for (const [path, text] of edits) {
    if (text === null) await store.remove(path).catch(() => undefined);
    else if (path === DREAM_RECORD_FILE) await store.writeOwnFile(path, text);
    else await store.write(path, text);
  }
  const saved = await store.commit(message, s.deps.author);
  if (saved.status !== "committed")
    return `the consolidation could not be replayed on the moved \`${MEMORY_BRANCH}\`, so nothing was committed.`;
  const pushed = await push(s, ws, saved.commit, theirs);
  if (pushed.status === "refused")
    return `\`${MEMORY_BRANCH}\` kept moving while dreaming, so nothing was committed; the next run tries again.`;
  return pushed;
}

/**
 * A run that failed or was blocked records itself alone (no note changed), so dreaming is tried again at
 * its next scheduled time rather than at every tick. False when the record could not be pushed either.
 */
async function recordOnly(
  s: RunScope,
  ws: Workspace,
  before: string,
  dueAt: string,
  outcome: "failed" | "blocked",
): Promise<boolean> {
  const store = new BranchMemoryStore({ repoDir: ws.dir, guard: s.request.config.guard });
  await store.writeOwnFile(DREAM_RECORD_FILE, renderDreamRecord({ lastRun: dueAt, outcome }));
  const saved = await store.commit(
    `Dream: ${outcome}, nothing consolidated\n\nPatchwright-Dream-Run: ${dueAt}`,
    s.deps.author,
  );
  if (saved.status !== "committed") return false;
  return (await push(s, ws, saved.commit, before)).status === "pushed";
}

function recordedNote(recorded: boolean): string {
  return recorded
    ? "The run is recorded on the memory branch: dreaming tries again at its next scheduled time."
    : "The run could not be recorded on the memory branch: dreaming tries again at the next tick.";
}

function blocked(
  s: RunScope,
  saved: Exclude<MemoryCommitResult, { status: "committed" }>,
  notes: string[],
): RunReport {
  if (saved.status === "unchanged")
    return finished(s, "no_changes", "the memory notes need no consolidation.", { notes });
  return finished(
    s,
    "blocked",
    `${GUARD_BLOCKED} the consolidated notes, so nothing was committed or pushed.`,
    {
      details: saved.findings
        .map((f) => `- \`${f.ruleId}\` in \`${f.path}\` line ${f.line}: ${f.redacted}`)
        .join("\n"),
      notes,
    },
  );
}

function usageNote(model: string, result: Consolidation): string[] {
  if (!result.usage) return [];
  const { usd } = costUsd(model, result.usage);
  return [
    `The model was asked once, with no tools but its answer (${result.usage.inputTokens} tokens in, ` +
      `${result.usage.outputTokens} out, $${usd.toFixed(2)}).`,
  ];
}

function cut(diff: string): string {
  return diff.length <= MAX_DIFF_CHARS
    ? diff.trimEnd()
    : `${diff.slice(0, MAX_DIFF_CHARS)}\n[… the diff is cut here]`;
}
