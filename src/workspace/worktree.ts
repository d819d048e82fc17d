import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { git, GitError, gitIn, trustGitDir, type TrustedGitDir } from "./git.js";

export interface Identity {
  name: string;
  email: string;
}

export interface Worktree {
  repo: string;
  path: string;
  branch: string;
  baseSha: string;
  /** The worktree's own git directory (index, HEAD), in the repository's: never in the work tree. */
  gitDir: TrustedGitDir;
  /** The repository's git directory, which the worktree's shares objects and refs with. */
  commonDir: string;
}

/** A new branch from `base` in its own worktree, so the person's checkout is never touched. */
export async function createWorktree(repo: string, base: string, branch: string): Promise<Worktree> {
  const baseSha = (
    await git(repo, ["rev-parse", "--verify", `${base}^{commit}`]).catch(() => {
      throw new GitError(`"${base}" is not a commit in ${repo}`);
    })
  ).trim();
  const path = await realpath(await mkdtemp(join(tmpdir(), "patchwright-run-")));
  await git(repo, ["worktree", "add", "--quiet", "-b", branch, path, baseSha]);
  // Asked once, now, while nothing but git has written the new work tree; named from then on.
  const gitDir = await trustGitDir((await git(path, ["rev-parse", "--absolute-git-dir"])).trim());
  const commonDir = await realpath(
    resolve(path, (await git(path, ["rev-parse", "--git-common-dir"])).trim()),
  );
  return { repo, path, branch, baseSha, gitDir, commonDir };
}

/** Git over the worktree, its git directory named rather than found from the (writable) work tree. */
function gitAt(wt: Worktree, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return gitIn({ gitDir: wt.gitDir, workTree: wt.path }, args, env);
}

/** The commit the worktree's branch is at now. */
export async function headOf(wt: Worktree): Promise<string> {
  return (await gitAt(wt, ["rev-parse", "HEAD"])).trim();
}

/** A branch name that is free: `name`, else `name-2`, `name-3`... */
export async function freeBranchName(repo: string, name: string): Promise<string> {
  for (let i = 1; i < 100; i++) {
    const candidate = i === 1 ? name : `${name}-${i}`;
    const exists = await git(repo, ["rev-parse", "--verify", "--quiet", `refs/heads/${candidate}`]).then(
      () => true,
      () => false,
    );
    if (!exists) return candidate;
  }
  throw new GitError(`no free branch name like ${name}`);
}

/** Commits everything the run changed; undefined when nothing changed. */
export async function commitAll(
  wt: Worktree,
  message: string,
  author: Identity,
): Promise<string | undefined> {
  await gitAt(wt, ["add", "--all"]);
  const staged = await gitAt(wt, ["diff", "--cached", "--name-only"]);
  if (!staged.trim()) return undefined;
  // A runner may have no identity configured at all: the run brings its own.
  const env = {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  await gitAt(wt, ["commit", "--quiet", "--no-verify", "-m", message], env);
  return (await gitAt(wt, ["rev-parse", "HEAD"])).trim();
}

export async function changedFiles(wt: Worktree): Promise<string[]> {
  const out = await gitAt(wt, ["diff", "--name-only", `${wt.baseSha}..HEAD`]);
  return out.split("\n").filter(Boolean);
}

/**
 * Deletes the work tree, then lets git forget it. Not `git worktree remove`: that reads the work
 * tree's `.git` file, which the agent may have replaced.
 */
export async function removeWorktree(wt: Worktree): Promise<void> {
  await rm(wt.path, { recursive: true, force: true });
  await git(wt.repo, ["worktree", "prune"]);
}
