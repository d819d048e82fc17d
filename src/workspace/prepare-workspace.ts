import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { git, GitError } from "./git.js";
import { gitWithAuth, hasCredentials } from "./git-auth.js";

export interface WorkspaceSpec {
  /** The repository's URL, without credentials. */
  remoteUrl: string;
  token: string | undefined;
  /** Refs to fetch, e.g. `refs/heads/main` or `refs/pull/7/head`; each must exist. */
  refs: string[];
  /** Refs fetched when they exist (the memory branch), into a local branch of the same name. */
  optionalBranches?: string[];
  /** The job's checkout (the Action); none: a fresh repository in a temporary folder (the App). */
  existing?: string;
}

export interface Workspace {
  dir: string;
  remoteUrl: string;
  /** The commit each requested ref pointed to. */
  shas: Record<string, string>;
  /** Persisted credentials found in the checkout's config and removed before the run. */
  removedCredentials: string[];
  cleanup(): Promise<void>;
}

const FETCHED = "refs/patchwright/fetched";

/**
 * A repository the run can work in, with the refs it needs fetched shallowly (full trees, one commit
 * deep: no lazy fetches later, which would need credentials the agent's commands never get). The token
 * goes in a header for the fetch only; a checkout's persisted credentials are removed, because the
 * agent's commands can read `.git/config`.
 */
export async function prepareWorkspace(spec: WorkspaceSpec): Promise<Workspace> {
  if (hasCredentials(spec.remoteUrl))
    throw new GitError("the remote URL carries credentials; patchwright sends them in a header instead");
  const fresh = spec.existing === undefined;
  if (spec.existing !== undefined) {
    const inside = await git(spec.existing, ["rev-parse", "--is-inside-work-tree"]).catch(() => "");
    if (inside.trim() !== "true")
      throw new GitError(
        `${spec.existing} is not a git checkout: add actions/checkout before patchwright in the workflow`,
      );
  }
  const dir = spec.existing ?? (await mkdtemp(join(tmpdir(), "patchwright-clone-")));
  const cleanup = async (): Promise<void> => {
    if (fresh) await rm(dir, { recursive: true, force: true });
    else {
      const refs = await git(dir, ["for-each-ref", "--format=%(refname)", FETCHED]).catch(() => "");
      for (const ref of refs.split("\n").filter(Boolean))
        await git(dir, ["update-ref", "-d", ref]).catch(() => undefined);
    }
  };
  try {
    if (fresh) await git(dir, ["init", "--quiet"]);
    const removedCredentials = fresh ? [] : await removePersistedCredentials(dir);
    const refspecs = spec.refs.map((ref, i) => `+${ref}:${FETCHED}/${i}`);
    // A full checkout stays full: --depth would cut its history.
    const shallow =
      fresh || (await git(dir, ["rev-parse", "--is-shallow-repository"])).trim() === "true"
        ? ["--depth=1"]
        : [];
    await gitWithAuth(
      dir,
      ["fetch", "--quiet", "--no-tags", ...shallow, spec.remoteUrl, ...refspecs],
      spec.token,
    );
    const shas: Record<string, string> = {};
    for (const [i, ref] of spec.refs.entries())
      shas[ref] = (await git(dir, ["rev-parse", `${FETCHED}/${i}`])).trim();
    for (const branch of spec.optionalBranches ?? []) {
      // Missing is normal (no memory yet); anything fetched lands on the local branch of that name.
      await gitWithAuth(
        dir,
        [
          "fetch",
          "--quiet",
          "--no-tags",
          "--depth=1",
          spec.remoteUrl,
          `+refs/heads/${branch}:refs/heads/${branch}`,
        ],
        spec.token,
      ).catch(() => undefined);
    }
    return { dir, remoteUrl: spec.remoteUrl, shas, removedCredentials, cleanup };
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
}

/**
 * Where actions/checkout keeps the job's token, so the agent cannot read it: v4/v5 write an
 * `http.<url>.extraheader` into `.git/config` (unless `persist-credentials: false`); v6 writes it to a
 * file under `$RUNNER_TEMP`, pulled in by an `includeIf` that also covers worktrees. Every include and
 * credential setting goes from the local config (the harness's git needs none: it sends its own
 * header), and a credentials file the harness owns becomes readable by it alone.
 */
async function removePersistedCredentials(dir: string): Promise<string[]> {
  const lines = (args: string[]): Promise<string[]> =>
    git(dir, ["config", "--local", ...args]).then(
      (out) => out.split("\n").filter(Boolean),
      () => [],
    );
  const headers = await lines([
    "--includes",
    "--show-origin",
    "--name-only",
    "--get-regexp",
    "^http\\..*extraheader$",
  ]);
  const files = headers
    .map((line) => /^file:(.+)\t/.exec(line)?.[1])
    .filter((file): file is string => file !== undefined && !file.endsWith(`${sep}config`));
  const keys = await lines([
    "--name-only",
    "--get-regexp",
    "^(http\\..*extraheader|include\\.|includeif\\.|credential\\.)",
  ]);
  const removed = [...new Set(keys)];
  for (const key of removed) await git(dir, ["config", "--local", "--unset-all", key]);
  for (const file of new Set(files)) {
    await chmod(file, 0o600).catch(() => undefined);
    removed.push(`${file} (made readable by its owner only)`);
  }
  return removed;
}
