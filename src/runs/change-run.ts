import { GUARD_BLOCKED, guardOutbound } from "../github/guarded-comments.js";
import { isProtectedBranch } from "../github/branch-protection.js";
import { describeGitHubError } from "../github/errors.js";
import { getIssue } from "../github/issues.js";
import { createPullRequest, requestReviewer } from "../github/pulls.js";
import type { RunSessionResult } from "./run-session.js";
import { MEMORY_BRANCH } from "../memory/memory-store.js";
import type { RunRequest } from "../request/run-request.js";
import { slug } from "../workspace/branch-name.js";
import { git } from "../workspace/git.js";
import { gitWithAuth } from "../workspace/git-auth.js";
import { handedOver } from "./queue/durable-queue.js";
import { guardedPush, type PushResult } from "../workspace/guarded-push.js";
import type { Workspace } from "../workspace/prepare-workspace.js";
import { runAgentStep } from "./agent-step.js";
import {
  agentStopped,
  baseRef,
  blockedReport,
  codeRef,
  ran,
  finished,
  promptFor,
  refsFor,
  workspaceFor,
  type RunScope,
} from "./run-scope.js";
import { blockedDetails, figures, type RunReport } from "./report.js";

const MAX_PATCH_CHARS = 50_000;

/**
 * A run that changes code: on an issue (or a prompt) a new branch and pull request; on a pull request
 * from this repository new commits on its branch (never forced); on one from a fork, a patch in the reply.
 */
export async function changeRun(s: RunScope, instruction: string, planPrompt?: string): Promise<RunReport> {
  const { request } = s;
  const onPull = request.thread?.isPullRequest === true;
  const from = codeRef(request);
  const memory = request.config.features.memory && !request.refs.fromFork ? [MEMORY_BRANCH] : [];
  const ws = await workspaceFor(s, refsFor(request), memory);
  try {
    const memoryBefore = await localSha(ws.dir, MEMORY_BRANCH);
    const title = await titleFor(s, instruction);
    const run = await runAgentStep(
      {
        mode: "implement",
        repoDir: ws.dir,
        base: ws.shas[from]!,
        instructionsFrom: onPull ? ws.shas[baseRef(request)] : undefined,
        instruction,
        prompt: await promptFor(s, planPrompt ?? instruction),
        commitTitle: title,
        trailers: [coAuthoredBy(request)],
      },
      s,
    );
    const memoryNote = memory.length ? await pushMemory(s, ws, memoryBefore) : undefined;
    const report = await deliver(s, ws, run, title, onPull);
    if (memoryNote) report.details = [report.details, memoryNote].filter(Boolean).join("\n\n");
    return report;
  } finally {
    await ws.cleanup();
  }
}

async function deliver(
  s: RunScope,
  ws: Workspace,
  run: RunSessionResult,
  title: string,
  onPull: boolean,
): Promise<RunReport> {
  const { request } = s;
  const { agent } = run;
  if (agent.outcome !== "finished") return agentStopped(s, run);
  if (!run.commit) {
    return finished(
      s,
      "no_changes",
      "the agent finished without changing any file, so there is nothing to push.",
      {
        details: agent.finalText,
        ...ran(run),
      },
    );
  }
  if (run.blockedBy.length) return blockedReport(s, run);
  const base = ws.shas[codeRef(request)]!;
  if (request.refs.fromFork) return patchReply(s, ws, run, base);

  // A run whose worker lost its lease (or is giving it back) never pushes: the run is another worker's now.
  if (handedOver(s.signal.reason)) throw s.signal.reason;
  // Asked for now: a run can outlast an installation token (an hour).
  const token = await s.deps.tokenFor(request, { fresh: true });
  const branch = onPull
    ? request.refs.head!
    : await freeRemoteBranch(ws, token, branchNameFor(request, title));
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
  if (pushed.status !== "pushed") return pushFailed(s, run, pushed);

  const files = `${run.files.length} file${run.files.length === 1 ? "" : "s"}`;
  if (onPull) {
    const number = request.thread!.number;
    return finished(s, "pushed", `pushed a commit changing ${files} to \`${branch}\`.`, {
      details: agent.finalText,
      ...ran(run),
      links: [{ label: "the commit", url: `${repoUrl(s)}/pull/${number}/commits/${pushed.sha}` }],
    });
  }
  const branchUrl = `${repoUrl(s)}/tree/${encodeURI(branch)}`;
  let pr;
  try {
    pr = await createPullRequest(s.octokit, s.repo, {
      title: guardedTitle(title, request),
      body: guardOutbound(pullBody(s, run), request.config.guard),
      head: branch,
      base: request.refs.base,
      draft: request.config.pullRequests.draft,
    });
  } catch (err) {
    return finished(
      s,
      "failed",
      `the change was pushed to \`${branch}\`, but the pull request could not be opened: ${describeGitHubError(err)} ` +
        "Open it from the branch.",
      { agent, branch, links: [{ label: "the branch", url: branchUrl }] },
    );
  }
  const asked = await requestReviewer(s.octokit, s.repo, pr.number, request.trigger.author).catch(
    (err: unknown) => {
      s.deps.log.warn("could not request a review", { error: describeGitHubError(err) });
      return false;
    },
  );
  return finished(
    s,
    "pr_opened",
    `opened #${pr.number} changing ${files}${asked ? `; @${request.trigger.author}, please review it` : ""}.`,
    {
      details: agent.finalText,
      ...ran(run),
      branch,
      pullRequest: { number: pr.number, url: pr.html_url },
      links: [{ label: `#${pr.number}`, url: pr.html_url }],
    },
  );
}

/** A fork's branch cannot be pushed to: the change goes back as a patch the author can apply. */
async function patchReply(
  s: RunScope,
  ws: Workspace,
  run: RunSessionResult,
  base: string,
): Promise<RunReport> {
  const patch = await git(ws.dir, ["diff", "--no-color", "--no-ext-diff", `${base}..${run.commit!}`]);
  if (patch.length > MAX_PATCH_CHARS) {
    return finished(
      s,
      "refused",
      `the change is ${patch.length.toLocaleString("en-US")} characters as a patch, too long for a comment; ` +
        "patchwright does not push to forks, so ask for a smaller change.",
      ran(run),
    );
  }
  return finished(
    s,
    "patch",
    "this pull request comes from a fork, so here is the change as a patch to apply (`git apply`).",
    {
      details: `${run.agent.finalText}\n\n\`\`\`diff\n${patch.trimEnd()}\n\`\`\``,
      ...ran(run),
    },
  );
}

function pushFailed(
  s: RunScope,
  run: RunSessionResult,
  pushed: Exclude<PushResult, { status: "pushed" }>,
): RunReport {
  if (pushed.status === "blocked") return blockedReport(s, { ...run, blockedBy: pushed.findings });
  return finished(
    s,
    "refused",
    pushed.reason.replace(/^./, (c) => c.toLowerCase()),
    ran(run),
  );
}

/** The agent's memory notes go to their own branch, guarded like any push; a failure is a note, not a failed run. */
async function pushMemory(
  s: RunScope,
  ws: Workspace,
  before: string | undefined,
): Promise<string | undefined> {
  const after = await localSha(ws.dir, MEMORY_BRANCH);
  if (!after || after === before) return undefined;
  const token = await s.deps.tokenFor(s.request, { fresh: true });
  const pushed = await guardedPush({
    worktree: ws.dir,
    ref: after,
    remoteUrl: ws.remoteUrl,
    branch: MEMORY_BRANCH,
    // A first memory commit has no parent on the remote: the range then covers the whole branch.
    base: before ?? ws.shas[codeRef(s.request)]!,
    defaultBranch: s.request.repository.defaultBranch,
    ...(token ? { token } : {}),
    guard: s.request.config.guard,
    isProtected: (b) => isProtectedBranch(s.octokit, s.repo, b),
  });
  if (pushed.status === "pushed") return undefined;
  return pushed.status === "blocked"
    ? `Memory notes were not saved: ${GUARD_BLOCKED} them.\n\n${blockedDetails(pushed.findings)}`
    : `Memory notes were not saved: ${pushed.reason}`;
}

async function localSha(dir: string, branch: string): Promise<string | undefined> {
  return git(dir, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]).then(
    (out) => out.trim() || undefined,
    () => undefined,
  );
}

async function titleFor(s: RunScope, instruction: string): Promise<string> {
  const first = instruction.split("\n")[0]!.trim().replace(/\.$/, "");
  const capitalised = first.charAt(0).toUpperCase() + first.slice(1);
  // "fix this" says little; the issue's title then names the change.
  if (first.length >= 15 || !s.request.thread) return capitalised || "Changes requested through patchwright";
  const { title } = await getIssue(s.octokit, s.repo, s.request.thread.number);
  return title.trim() || first || "Changes requested through patchwright";
}

function branchNameFor(request: RunRequest, title: string): string {
  const prefix = request.config.branchPrefix;
  return request.thread
    ? `${prefix}issue-${request.thread.number}-${slug(title)}`
    : `${prefix}${slug(title)}`;
}

/** `name`, or `name-2`, `name-3`...: the first that is not a branch on the remote. */
async function freeRemoteBranch(ws: Workspace, token: string | undefined, name: string): Promise<string> {
  const out = await gitWithAuth(ws.dir, ["ls-remote", "--heads", ws.remoteUrl], token);
  const taken = new Set(out.split("\n").map((l) => l.split("\t")[1]?.replace(/^refs\/heads\//, "")));
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? name : `${name}-${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function coAuthoredBy(request: RunRequest): string {
  const { author, authorId } = request.trigger;
  const email =
    authorId !== undefined
      ? `${authorId}+${author}@users.noreply.github.com`
      : `${author}@users.noreply.github.com`;
  return `Co-authored-by: ${author} <${email}>`;
}

function guardedTitle(title: string, request: RunRequest): string {
  const checked = guardOutbound(title, request.config.guard);
  const short = title.length <= 120 ? title : `${title.slice(0, 119)}…`;
  return checked === title ? short : `Changes for #${request.thread?.number ?? ""}`.replace(/ #$/, "");
}

function pullBody(s: RunScope, run: RunSessionResult): string {
  const { request } = s;
  const { agent } = run;
  const tests = testsSentence(agent);
  const thread = request.thread ? ` in #${request.thread.number}` : "";
  return [
    agent.finalText.trim() || "(The agent gave no account of its change.)",
    "",
    "### Files",
    ...run.files.map((f) => `- \`${f}\``),
    "",
    "### Tests",
    tests,
    ...(request.thread && !request.thread.isPullRequest ? ["", `Closes #${request.thread.number}`] : []),
    "",
    "---",
    `<sub>Requested by @${request.trigger.author}${thread} · run \`${request.id}\` · ${figures({ agent, elapsedMs: s.deps.now().getTime() - s.started })}</sub>`,
  ].join("\n");
}

/** What a pull request body says of the tests the run ran. */
export function testsSentence(agent: RunSessionResult["agent"]): string {
  return agent.verification === "passed"
    ? "The repository's tests passed after the change."
    : agent.verification === "failed"
      ? "⚠️ The repository's tests still fail after the change; see the run's report."
      : agent.verification === "no_command"
        ? "No test command was found (set `agent.testCommand` in `.github/patchwright.yml`), so the change was not tested."
        : "The tests were not run.";
}

export function repoUrl(s: RunScope): string {
  return `${s.deps.serverUrl}/${s.request.repository.owner}/${s.request.repository.name}`;
}
