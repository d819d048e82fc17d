import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder removed after the test. */
export function tempDir(prefix = "pw-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

const IDENTITY = {
  GIT_AUTHOR_NAME: "Ada Tester",
  GIT_AUTHOR_EMAIL: "ada@example.com",
  GIT_COMMITTER_NAME: "Ada Tester",
  GIT_COMMITTER_EMAIL: "ada@example.com",
};

export function git(repo: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync("git", args, {
    cwd: repo,
    env: { ...process.env, ...IDENTITY, ...env, GIT_CONFIG_NOSYSTEM: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  }).toString();
}

/** A real git repository in a temporary folder, with one initial commit on `main`. */
export function tempRepo(files: Record<string, string> = { "README.md": "# demo\n" }): string {
  const repo = tempDir("pw-repo-");
  git(repo, ["init", "-q", "-b", "main"]);
  writeFiles(repo, files);
  git(repo, ["add", "-A"]);
  git(repo, ["commit", "-q", "-m", "initial"]);
  return repo;
}

export function commit(
  repo: string,
  files: Record<string, string>,
  message: string,
  env: Record<string, string> = {},
): string {
  writeFiles(repo, files);
  git(repo, ["add", "-A"]);
  git(repo, ["commit", "-q", "-m", message], env);
  return git(repo, ["rev-parse", "HEAD"]).trim();
}

/**
 * A bare "remote" made from a repository of `files` (main), and a clone of it on the run's branch
 * `patchwright/fix-1`, at `base`: the layout a push starts from.
 */
export function remoteAndClone(files?: Record<string, string>): {
  remote: string;
  work: string;
  base: string;
} {
  const origin = tempRepo(files);
  const remote = tempDir("pw-remote-");
  git(remote, ["clone", "-q", "--bare", origin, "."]);
  const work = tempDir("pw-work-");
  git(work, ["clone", "-q", remote, "."]);
  const base = git(work, ["rev-parse", "HEAD"]).trim();
  git(work, ["checkout", "-q", "-b", "patchwright/fix-1"]);
  return { remote, work, base };
}
