import { loadRepoConfig } from "../config/load-repo-config.js";
import { completeCheck, startCheck, type CheckAnnotation } from "../github/check-runs.js";
import type { OctokitLike, RepoRef } from "../github/octokit-like.js";
import { getRepoFile } from "../github/repo-file.js";
import type { GuardConfig } from "../guard/config.js";
import type { Finding } from "../guard/finding.js";
import { scan } from "../guard/scan.js";
import { ScanError } from "../guard/scan-error.js";
import { PullRequestEvent } from "../request/payloads.js";
import { fetchRange } from "../workspace/fetch-range.js";
import { GitError } from "../workspace/git.js";
import type { FrontDoorLog, WebhookEvent } from "./front-door/types.js";

export const GUARD_CHECK_NAME = "patchwright leak guard";
// What brings new commits to a pull request; ready_for_review and the rest bring none.
const ACTIONS = new Set(["opened", "synchronize", "reopened"]);
// Annotations beyond this many are counted in the summary only (each 50 is one more request).
const MAX_ANNOTATIONS = 500;
const MAX_LISTED = 50;

export interface GuardCheckDeps {
  octokit: OctokitLike;
  /** A token for fetching the repository over git (the installation's). */
  token: () => Promise<string>;
  remoteUrl: (owner: string, name: string) => string;
  log: FrontDoorLog;
}

export type GuardCheckOutcome =
  | { status: "skipped"; reason: string }
  | { status: "checked"; conclusion: "success" | "failure"; findings: number };

/** Whether an event brings a pull request new commits for the guard check to judge. */
export function isGuardCheckEvent(event: WebhookEvent): boolean {
  const action = (event.payload as { action?: unknown } | null)?.action;
  return event.name === "pull_request" && typeof action === "string" && ACTIONS.has(action);
}

/**
 * The leak guard as a check run on a pull request's head: every commit of `base..head` (message,
 * author and added lines) scanned with the rules of the config on the default branch, which is not
 * the pull request's to change. Whoever opened it, a person or a bot. It fails closed: a range that
 * cannot be fetched or scanned is a failure with the reason, never a success.
 */
export async function runGuardCheck(event: WebhookEvent, deps: GuardCheckDeps): Promise<GuardCheckOutcome> {
  const parsed = PullRequestEvent.safeParse(event.payload);
  if (!parsed.success) return { status: "skipped", reason: "malformed pull_request payload" };
  const { repository, pull_request: pr } = parsed.data;
  const repo: RepoRef = { owner: repository.owner.login, repo: repository.name };
  const ref = repository.default_branch ?? "main";
  const loaded = await loadRepoConfig((path) => getRepoFile(deps.octokit, { ...repo, ref, path }));
  // The front door already says an invalid config as the failed `patchwright config` check.
  if (!loaded.ok) return { status: "skipped", reason: "invalid config" };
  const guard = loaded.config.guard;
  if (!guard.check) return { status: "skipped", reason: "guard.check is off" };

  const checkRunId = await startCheck(deps.octokit, repo, { name: GUARD_CHECK_NAME, headSha: pr.head.sha });
  let result: Judged;
  try {
    result = await judge(deps, repo, pr.base.sha, pr.head.sha, guard);
  } catch (err) {
    // Not a finding, not clean: the check must not be left in progress nor turn green.
    deps.log.warn(`the leak guard check failed in ${repo.owner}/${repo.repo}`, {
      error: err instanceof Error ? err.message : String(err),
    });
    result = cannotScan("patchwright stopped with an unexpected error; push again to retry.");
  }
  await completeCheck(deps.octokit, repo, checkRunId, result, guard);
  return { status: "checked", conclusion: result.conclusion, findings: result.findings };
}

interface Judged {
  conclusion: "success" | "failure";
  title: string;
  summary: string;
  annotations: CheckAnnotation[];
  findings: number;
}

async function judge(
  deps: GuardCheckDeps,
  repo: RepoRef,
  base: string,
  head: string,
  guard: GuardConfig,
): Promise<Judged> {
  let fetched;
  try {
    fetched = await fetchRange({
      remoteUrl: deps.remoteUrl(repo.owner, repo.repo),
      token: await deps.token(),
      base,
      head,
    });
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    return cannotScan(`it could not fetch the commits between the base and the head (${err.message}).`);
  }
  try {
    // The markers of lines already on the base count; one an author adds cannot allow their own secret.
    const report = await scan(
      { mode: "git", range: fetched.range },
      { cwd: fetched.dir, config: guard, inlineAllow: true },
    );
    const judged = report.findings.length === 0 ? clean() : leaks(report.findings);
    return withAdvisories(judged, report.advisories);
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    return cannotScan(`${err.message}.`);
  } finally {
    await fetched.cleanup().catch(() => undefined);
  }
}

function clean(): Judged {
  return {
    conclusion: "success",
    title: "No leaks found",
    summary:
      "The leak guard found no secrets, internal names or attribution in this pull request's new commits.",
    annotations: [],
    findings: 0,
  };
}

/** What the config reports without blocking (a policy set to `warn`): listed, never failing the check. */
function withAdvisories(judged: Judged, advisories: readonly Finding[]): Judged {
  if (advisories.length === 0) return judged;
  const listed = advisories
    .slice(0, MAX_LISTED)
    .map((f) => `- \`${f.ruleId}\` in \`${f.path}\`${f.commit ? ` (commit ${f.commit.slice(0, 12)})` : ""}`);
  const more = advisories.length - listed.length;
  return {
    ...judged,
    summary: [
      judged.summary,
      "",
      "Reported without blocking (`guard.policy` on the default branch):",
      ...listed,
      ...(more > 0 ? [`- and ${more} more`] : []),
    ].join("\n"),
  };
}

function cannotScan(reason: string): Judged {
  return {
    conclusion: "failure",
    title: "The leak guard could not scan this pull request",
    summary: `The leak guard could not scan this pull request's commits, so it cannot call them clean: ${reason}`,
    annotations: [],
    findings: 0,
  };
}

/** Only redacted values are ever shown: the rule, where, and `redacted`, never the matched text. */
function leaks(findings: readonly Finding[]): Judged {
  const describe = (f: Finding): string =>
    `${f.message}: ${f.redacted}${f.commit ? ` (commit ${f.commit.slice(0, 12)})` : ""}`;
  const inFiles = findings.filter((f) => f.where === "file" || f.where === "package");
  const annotations = inFiles.slice(0, MAX_ANNOTATIONS).map((f) => ({
    path: f.path,
    line: f.line,
    title: `patchwright: ${f.ruleId}`,
    message: describe(f),
  }));
  const listed = findings.slice(0, MAX_LISTED).map((f) => {
    const place =
      f.where === "file" || f.where === "package"
        ? `\`${f.path}\` line ${f.line}`
        : `the commit's ${f.where}`;
    return `- \`${f.ruleId}\` in ${place}: ${describe(f)}`;
  });
  const more = findings.length - listed.length;
  return {
    conclusion: "failure",
    title: `The leak guard found ${findings.length} possible leak(s)`,
    summary: [
      `The leak guard found ${findings.length} possible leak(s) in this pull request's new commits. ` +
        "Remove them from the commits (rewrite the history: a later commit deleting a secret leaves it in " +
        "the earlier one), or accept a false positive with `guard.allow` on the default branch.",
      "",
      ...listed,
      ...(more > 0 ? [`- and ${more} more`] : []),
    ].join("\n"),
    annotations,
    findings: findings.length,
  };
}
