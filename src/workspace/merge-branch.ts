import { GitError, gitIn } from "./git.js";
import type { Identity, Worktree } from "./worktree.js";

export type MergeOutcome =
  | { merged: true; commit: string }
  /** Nothing changed in the worktree: the merge was undone, or never started. */
  | { merged: false; conflicts: string[]; reason: string };

/**
 * Merges `branch` into the worktree's branch with a merge commit (never a force, never a rebase of
 * anyone's commits). On a conflict the merge is aborted, so the worktree is as it was, and the
 * conflicting paths are named: the caller decides what to do with the branch.
 */
export async function mergeBranch(
  wt: Worktree,
  branch: string,
  message: string,
  author: Identity,
): Promise<MergeOutcome> {
  const at = (args: readonly string[], env: Record<string, string> = {}): Promise<string> =>
    gitIn({ gitDir: wt.gitDir, workTree: wt.path }, args, env);
  const env = {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  try {
    await at(["merge", "--no-ff", "--no-edit", "-m", message, `refs/heads/${branch}`], env);
    return { merged: true, commit: (await at(["rev-parse", "HEAD"])).trim() };
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    const unmerged = (await at(["diff", "--name-only", "--diff-filter=U"]).catch(() => ""))
      .split("\n")
      .filter(Boolean);
    const inProgress = await at(["rev-parse", "--verify", "--quiet", "MERGE_HEAD"]).then(
      () => true,
      () => false,
    );
    if (inProgress) await at(["merge", "--abort"]);
    // Git refuses before starting when the worktree's own uncommitted changes are in the way.
    const inTheWay = err.stderr
      .split("\n")
      .filter((line) => /^\t\S/.test(line))
      .map((line) => line.trim());
    const conflicts = [...new Set([...unmerged, ...inTheWay])].sort();
    return {
      merged: false,
      conflicts,
      reason: unmerged.length
        ? "both changed the same lines"
        : inTheWay.length
          ? "uncommitted changes in the worktree are in the way"
          : err.message,
    };
  }
}
