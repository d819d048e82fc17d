import type { GuardConfig } from "../guard/config.js";
import type { Finding } from "../guard/finding.js";
import { scan } from "../guard/scan.js";
import { ScanError } from "../guard/scan-error.js";
import { git, GitError } from "./git.js";
import { gitWithAuth, hasCredentials } from "./git-auth.js";

export interface PushRequest {
  /** The repository or worktree the push is made from. */
  worktree: string;
  /** What is pushed: HEAD unless named (a local branch, when the run's worktree is gone). */
  ref?: string;
  /** The remote's URL, without credentials. */
  remoteUrl: string;
  branch: string;
  /** Where the run started: the guard scans every commit from here to HEAD. */
  base: string;
  defaultBranch: string;
  /** Asked before every push; true refuses it (GitHub's branch protection, read by the caller). */
  isProtected?: (branch: string) => Promise<boolean>;
  /** An installation or workflow token; it goes in a header through git's environment, nowhere else. */
  token?: string;
  guard: GuardConfig;
  /** Changes under .github/workflows/ are refused unless the repository's config allows them. */
  allowWorkflowChanges?: boolean;
}

export type PushResult =
  | { status: "pushed"; sha: string }
  | { status: "blocked"; findings: Finding[] }
  | { status: "refused"; reason: string };

/**
 * The only way a run's work leaves: never to the default or a protected branch, never forced, and only
 * after the leak guard has passed every object the push sends — if the guard cannot scan, nothing is pushed.
 */
export async function guardedPush(p: PushRequest): Promise<PushResult> {
  const protectedBranch =
    p.branch === p.defaultBranch ||
    (await (p.isProtected?.(p.branch) ?? Promise.resolve(false)).catch(() => undefined));
  if (protectedBranch === undefined) {
    return {
      status: "refused",
      reason: `Nothing was pushed: whether ${p.branch} is protected could not be read.`,
    };
  }
  if (protectedBranch) {
    return {
      status: "refused",
      reason: `patchwright never pushes to ${p.branch}: it is the default or a protected branch.`,
    };
  }
  if (hasCredentials(p.remoteUrl)) {
    return {
      status: "refused",
      reason: "The remote URL carries credentials; patchwright sends them in a header instead.",
    };
  }
  const ref = p.ref ?? "HEAD";
  const sha = (await git(p.worktree, ["rev-parse", "--verify", `${ref}^{commit}`])).trim();
  let findings: Finding[];
  try {
    const target = { mode: "push" as const, tip: sha, base: p.base, branch: p.branch };
    findings = (await scan(target, { cwd: p.worktree, config: p.guard })).findings;
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    return {
      status: "refused",
      reason: `Nothing was pushed: the leak guard could not scan the commits (${err.message}).`,
    };
  }
  if (findings.length > 0) return { status: "blocked", findings };
  if (!p.allowWorkflowChanges) {
    // Fails closed: a diff that cannot be read is a refusal, not an empty list of changes.
    const changed = await git(p.worktree, [
      "--no-replace-objects",
      "diff",
      "--name-only",
      "--no-renames",
      "-z",
      p.base,
      sha,
    ]).catch(() => undefined);
    const workflows = changed?.split("\0").filter(touchesWorkflows);
    if (workflows === undefined) {
      return {
        status: "refused",
        reason: "Nothing was pushed: the change's list of files could not be read.",
      };
    }
    if (workflows.length > 0) {
      return {
        status: "refused",
        reason:
          `Nothing was pushed: the change touches ${workflows.join(", ")}, and patchwright does not change ` +
          "GitHub Actions workflows unless `workflows.allowChanges` is set in `.github/patchwright.yml` " +
          "(the App also has no `workflows` permission).",
      };
    }
  }

  try {
    // No --force, no + in the refspec: a branch that moved on is a refusal, never an overwrite. Only
    // the scanned commit under the one named ref: no tag follows, no replace ref stands in for it.
    await gitWithAuth(
      p.worktree,
      [
        "--no-replace-objects",
        "push",
        "--no-verify",
        "--no-follow-tags",
        "--recurse-submodules=no",
        p.remoteUrl,
        `${sha}:refs/heads/${p.branch}`,
      ],
      p.token,
    );
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    if (/protected branch|GH006/i.test(err.stderr)) {
      return { status: "refused", reason: `GitHub refused the push: ${p.branch} is protected.` };
    }
    if (/non-fast-forward|fetch first|\[rejected\]/i.test(err.stderr)) {
      return {
        status: "refused",
        reason: `The push was rejected: ${p.branch} has commits the run does not have, and patchwright never force-pushes.`,
      };
    }
    return { status: "refused", reason: `The push failed: ${err.message}` };
  }
  return { status: "pushed", sha };
}

/**
 * A path GitHub would read workflows through: a file under `.github/workflows/`, but also
 * `.github/workflows` or `.github` themselves, which a change can turn into a link to a folder of its own.
 */
export function touchesWorkflows(path: string): boolean {
  return path === ".github" || path === ".github/workflows" || path.startsWith(".github/workflows/");
}
