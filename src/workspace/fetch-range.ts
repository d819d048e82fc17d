import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, GitError } from "./git.js";
import { gitWithAuth, hasCredentials } from "./git-auth.js";

export interface FetchedRange {
  dir: string;
  /** `base..head`, ready for the guard's git mode. */
  range: string;
  cleanup(): Promise<void>;
}

// Most pull requests are a few commits on a recent base: one shallow fetch usually holds the whole range.
const FIRST_DEPTH = 50;
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * A fresh repository holding every commit of `base..head` with its parents, so each commit's diff is
 * what it changed. Fetched shallow first; when a commit of the range is at the shallow edge (its
 * parents missing, so its diff would be its whole tree, or the rest of the range would be missing), the
 * history is fetched in full. The token travels in a header, never in the URL.
 */
export async function fetchRange(spec: {
  remoteUrl: string;
  token: string | undefined;
  base: string;
  head: string;
}): Promise<FetchedRange> {
  if (hasCredentials(spec.remoteUrl))
    throw new GitError("the remote URL carries credentials; patchwright sends them in a header instead");
  for (const sha of [spec.base, spec.head])
    if (!SHA.test(sha)) throw new GitError(`"${sha}" is not a commit id`);
  const dir = await mkdtemp(join(tmpdir(), "patchwright-guard-"));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await git(dir, ["init", "--quiet", "--bare"]);
    const refspecs = [`+${spec.base}:refs/patchwright/base`, `+${spec.head}:refs/patchwright/head`];
    const fetch = (depth: string[]): Promise<string> =>
      gitWithAuth(dir, ["fetch", "--quiet", "--no-tags", ...depth, spec.remoteUrl, ...refspecs], spec.token);
    await fetch([`--depth=${FIRST_DEPTH}`]);
    const range = `${spec.base}..${spec.head}`;
    if (!(await complete(dir, range))) {
      await fetch(["--unshallow"]);
      if (!(await complete(dir, range)))
        throw new GitError("the history between the base and the head could not be fetched in full");
    }
    return { dir, range, cleanup };
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
}

/** No commit of the range sits at the shallow edge. */
async function complete(dir: string, range: string): Promise<boolean> {
  const shallow = await readFile(join(dir, "shallow"), "utf8").catch(() => "");
  if (!shallow) return true;
  const edge = new Set(shallow.split("\n").filter(Boolean));
  const commits = (await git(dir, ["rev-list", range, "--"])).split("\n").filter(Boolean);
  return !commits.some((c) => edge.has(c));
}
