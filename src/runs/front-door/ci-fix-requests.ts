import type { RepoConfig } from "../../config/schema.js";
import { branchHead, closePull } from "../../github/ci-results.js";
import { createComment, guardKeepingMarkers } from "../../github/guarded-comments.js";
import { pullsForBranch, updatePullBody } from "../../github/maintenance-pulls.js";
import type { RepoRef } from "../../github/octokit-like.js";
import { CI_FIX_TASK, ciFixBranch } from "../../maintenance/ci-fix.js";
import { readTaskRecord, withTaskRecord } from "../../maintenance/task-record.js";
import type { Candidate } from "../../request/classify-event.js";
import { sameLogin } from "../../request/permissions.js";
import type { RunRequest } from "../../request/run-request.js";
import type { FrontDoorDeps, Outcome, WebhookEvent } from "./types.js";

type CiCandidate = Extract<Candidate, { type: "ci" }>;

/**
 * A check on the default branch finished (`maintenance.ciFix`): a failure queues one failing-CI fixer
 * run, which opens or updates the one ci-fix pull request; a pass of a check that pull request is fixing
 * closes it once none it fixes still fails. Only the default branch's newest commit counts: a result for
 * an older one says nothing about the branch as it is.
 */
export async function handleCiResult(
  c: CiCandidate,
  event: WebhookEvent,
  config: RepoConfig,
  deps: FrontDoorDeps,
  repository: RunRequest["repository"],
): Promise<Outcome> {
  if (!config.maintenance.ciFix) return { status: "ignored", reason: "`maintenance.ciFix` is off" };
  // patchwright's own checks (the leak guard's, the config's) are not CI to fix: no fix of a fix.
  if (c.app && sameLogin(`${c.app}[bot]`, deps.botLogin))
    return { status: "ignored", reason: "a check suite of patchwright's own" };
  const repo: RepoRef = { owner: repository.owner, repo: repository.name };
  const head = await branchHead(deps.octokit, repo, repository.defaultBranch);
  if (head !== c.headSha)
    return {
      status: "ignored",
      reason: `${c.check} ran on ${c.headSha.slice(0, 7)}, no longer the head of ${repository.defaultBranch}`,
    };
  if (c.conclusion === "success") return closeWhenPassing(c, config, deps, repo);

  const full = `${repository.owner}/${repository.name}`.toLowerCase();
  const key = `ci-fix:${full}:${c.source}:${c.id}:${c.attempt}`;
  if (deps.queue.claimTrigger && !(await deps.queue.claimTrigger(key, event.id)))
    return { status: "duplicate", key };
  const now = deps.now().toISOString();
  const request: RunRequest = {
    id: deps.newRunId(`${event.id}:${CI_FIX_TASK}`),
    kind: "maintenance",
    repository,
    ...(c.installationId !== undefined ? { installationId: c.installationId } : {}),
    trigger: {
      event: event.name,
      deliveryId: event.id,
      key,
      author: c.sender?.login ?? c.check,
      ...(c.sender?.id !== undefined ? { authorId: c.sender.id } : {}),
    },
    instruction: `Make \`${c.check}\` pass again on ${repository.defaultBranch}.`,
    refs: { base: repository.defaultBranch, fromFork: false },
    config,
    requestedAt: now,
    maintenance: {
      task: CI_FIX_TASK,
      dueAt: now,
      ci: {
        source: c.source,
        id: c.id,
        check: c.check,
        headSha: c.headSha,
        ...(c.url ? { url: c.url } : {}),
        ...(c.workflowPath ? { workflowPath: c.workflowPath } : {}),
      },
    },
  };
  await deps.queue.add(request);
  deps.log.info("ci-fix run queued", { run: request.id, check: c.check, trigger: key });
  return { status: "scheduled", requests: [request] };
}

/**
 * The check passed: it no longer needs fixing. When none of the checks the open ci-fix pull request is
 * fixing still fails, the pull request is closed with a comment; its branch stays, so nothing anyone
 * pushed there is lost.
 */
async function closeWhenPassing(
  c: CiCandidate,
  config: RepoConfig,
  deps: FrontDoorDeps,
  repo: RepoRef,
): Promise<Outcome> {
  const branch = ciFixBranch(config.branchPrefix);
  const open = (await pullsForBranch(deps.octokit, repo, branch)).find((p) => p.state === "open");
  if (!open) return { status: "ignored", reason: `${c.check} passed and no ci-fix pull request is open` };
  const record = readTaskRecord(open.body);
  const failing = record?.failing ?? [];
  if (record?.failing && !failing.includes(c.check))
    return { status: "ignored", reason: `#${open.number} is not fixing ${c.check}` };
  const still = failing.filter((check) => check !== c.check);
  const guard = config.guard;
  if (record && still.length) {
    const body = withTaskRecord(open.body, { ...record, failing: still });
    await updatePullBody(deps.octokit, repo, open.number, guardKeepingMarkers(body, guard));
    return {
      status: "ignored",
      reason: `${c.check} passed; #${open.number} still fixes ${still.join(", ")}`,
    };
  }
  await createComment(
    deps.octokit,
    repo,
    open.number,
    `The default branch passes again: \`${c.check}\` passed on ${c.headSha.slice(0, 7)}, so this fix is no ` +
      "longer needed and patchwright closes it. Its branch is left as it is.",
    guard,
  );
  const closed = record
    ? withTaskRecord(open.body, { ...record, outcome: "passed", failing: [] })
    : (open.body ?? "");
  await closePull(deps.octokit, repo, open.number, guardKeepingMarkers(closed, guard));
  deps.log.info("ci-fix pull request closed", { pull: open.number, check: c.check });
  return { status: "replied", reason: `the default branch passes again: closed #${open.number}` };
}
