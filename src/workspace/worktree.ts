import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, GitError } from "./git.js";

export interface Identity {
  name: string;
  email: string;
}

export interface Worktree {
  repo: string;
  path: string;
  branch: string;
  baseSha: string;
}

/** A new branch from `base` in its own worktree, so the person's checkout is never touched. */
export async function createWorktree(repo: string, base: string, branch: string): Promise<Worktree> {
  const baseSha = (
    await git(repo, ["rev-parse", "--verify", `${base}^{commit}`]).catch(() => {
      throw new GitError(`"${base}" is not a commit in ${repo}`);
    })
  ).trim();
  const path = await mkdtemp(join(tmpdir(), "patchwright-run-"));
  await git(repo, ["worktree", "add", "--quiet", "-b", branch, path, baseSha]);
  return { repo, path, branch, baseSha };
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
  await git(wt.path, ["add", "--all"]);
  const staged = await git(wt.path, ["diff", "--cached", "--name-only"]);
  if (!staged.trim()) return undefined;
  // A runner may have no identity configured at all: the run brings its own.
  const env = {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  await git(wt.path, ["commit", "--quiet", "--no-verify", "-m", message], env);
  return (await git(wt.path, ["rev-parse", "HEAD"])).trim();
}

export async function changedFiles(wt: Worktree): Promise<string[]> {
  const out = await git(wt.path, ["diff", "--name-only", `${wt.baseSha}..HEAD`]);
  return out.split("\n").filter(Boolean);
}

export async function removeWorktree(wt: Worktree): Promise<void> {
  await git(wt.repo, ["worktree", "remove", "--force", wt.path]);
}
