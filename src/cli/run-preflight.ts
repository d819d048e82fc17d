import { stat } from "node:fs/promises";
import { git } from "../workspace/git.js";

export type Preflight = { ok: true; warning?: string } | { ok: false; message: string };

/**
 * What `patchwright run` checks before it makes a worktree, so each mistake is one sentence saying what
 * to do, not a git error after half a run was set up. `shown` is the folder as the person named it.
 */
export async function checkRunRepo(
  repo: string,
  shown: string,
  base: string | undefined,
): Promise<Preflight> {
  const info = await stat(repo).catch((err: NodeJS.ErrnoException) => err);
  if (info instanceof Error) {
    return info.code === "ENOENT"
      ? fail(`${shown} does not exist: pass --repo with the folder of a git repository.`)
      : fail(`cannot open ${shown} (${info.code ?? info.message}): pass --repo with a folder you can read.`);
  }
  if (!info.isDirectory())
    return fail(`${shown} is not a folder: pass --repo with the folder of a git repository.`);
  const top = await git(repo, ["rev-parse", "--show-toplevel"]).catch(() => undefined);
  if (top === undefined) {
    return fail(
      `${shown} is not a git repository: run \`git init\` and commit there, or pass --repo with one.`,
    );
  }
  if (!(await isCommit(repo, "HEAD"))) {
    return fail(`${shown} has no commits yet: commit something first, since the run starts from a commit.`);
  }
  // A leading dash would be read as an option by git.
  if (base !== undefined && (base.startsWith("-") || !(await isCommit(repo, base)))) {
    return fail(
      `--base "${base}" is not a commit in ${shown}: name a branch, tag or commit that exists there.`,
    );
  }
  const status = await git(repo, ["status", "--porcelain", "--untracked-files=normal"]).catch(() => "");
  if (status.trim()) {
    return {
      ok: true,
      warning: `${shown} has uncommitted or untracked changes: the run starts from the committed ${base ?? "HEAD"} and does not see them.`,
    };
  }
  return { ok: true };
}

async function isCommit(repo: string, ref: string): Promise<boolean> {
  return git(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).then(
    () => true,
    () => false,
  );
}

function fail(message: string): Preflight {
  return { ok: false, message };
}
