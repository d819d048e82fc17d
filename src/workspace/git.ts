import { execFile } from "node:child_process";
import { lstat, realpath } from "node:fs/promises";
import { sep } from "node:path";
import { SAFE_GIT_ARGS, safeGitEnv } from "../guard/sources/safe-git.js";

export class GitError extends Error {
  override readonly name = "GitError";
  constructor(
    message: string,
    /** All that git said on standard error, for callers that must tell its failures apart. */
    readonly stderr = "",
  ) {
    super(message);
  }
}

/**
 * Runs git with arguments (never a shell), returning stdout; a failure carries git's own first line.
 * Always hardened (no hooks, no fsmonitor, no system or global config, an environment from an
 * allow-list plus `env`): see safe-git.ts.
 */
export function git(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...SAFE_GIT_ARGS, ...args],
      { cwd, env: safeGitEnv(env), maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const reason = stderr.trim().split("\n").find(Boolean) ?? err.message;
          reject(new GitError(`git ${args[0]} failed: ${reason}`, stderr.slice(0, 4000)));
        } else resolve(stdout);
      },
    );
  });
}

/**
 * A git directory the harness made, remembered by identity. Git never finds its repository from a
 * work tree here: the agent can write the work tree, delete its `.git` file and `git init` one whose
 * config runs a program (core.fsmonitor, hooks) — inside whoever runs git next, which would be us.
 */
export interface TrustedGitDir {
  path: string;
  dev: number;
  ino: number;
}

export async function trustGitDir(path: string): Promise<TrustedGitDir> {
  const real = await realpath(path);
  const info = await lstat(real);
  if (!info.isDirectory()) throw new GitError(`${path} is not a git directory`);
  return { path: real, dev: info.dev, ino: info.ino };
}

/** Throws unless `gitDir` is still the directory the harness made (not replaced, not a link). */
export async function verifyGitDir(gitDir: TrustedGitDir): Promise<void> {
  const info = await lstat(gitDir.path).catch(() => undefined);
  if (!info?.isDirectory() || info.dev !== gitDir.dev || info.ino !== gitDir.ino) {
    throw new GitError(`the run's git directory ${gitDir.path} was replaced: nothing more is done with it`);
  }
}

/**
 * Git over a work tree, with the git directory named, never discovered; checked before every call to
 * be the very directory the harness made, and outside the work tree.
 */
export async function gitIn(
  repo: { gitDir: TrustedGitDir; workTree: string },
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<string> {
  const { gitDir, workTree } = repo;
  await verifyGitDir(gitDir);
  if (gitDir.path === workTree || gitDir.path.startsWith(workTree + sep)) {
    throw new GitError(`the run's git directory ${gitDir.path} lies inside its work tree`);
  }
  return git(workTree, args, { ...env, GIT_DIR: gitDir.path, GIT_WORK_TREE: workTree });
}
