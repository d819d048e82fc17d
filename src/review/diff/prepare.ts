import type { OctokitLike, RepoRef } from "../../github/octokit-like.js";
import { planReview, type BudgetOptions } from "./budget.js";
import type { ReviewChunk } from "./chunk.js";
import { compareCommits, listPullFiles } from "../../github/pull-files.js";
import { fillMissingPatches, type LocalPatch } from "./changed-files.js";
import { parseChangedFiles } from "./diff-file.js";
import { filterFiles, type PathsConfig } from "./filters.js";
import type { NotReviewed } from "./not-reviewed.js";
import type { Hunk } from "./patch.js";

export interface PullRef {
  number: number;
  baseSha: string;
  headSha: string;
  /** The pull request's `changed_files`: tells a list of exactly 3000 files from a truncated one. */
  changedFiles?: number;
}

export interface PrepareOptions extends BudgetOptions {
  octokit: OctokitLike;
  repo: RepoRef;
  pull: PullRef;
  /** Review only what changed since this commit (the head the last review read). */
  sinceSha?: string;
  paths: PathsConfig;
  localPatch?: LocalPatch;
}

export interface PreparedDiff {
  /** One per model call. */
  chunks: ReviewChunk[];
  /** Everything changed that no chunk holds, with why. */
  notReviewed: NotReviewed[];
  /**
   * The hunks of the pull request's whole diff, by path: where inline comments may go. In an
   * incremental review this is still the whole diff, as GitHub places comments against it.
   */
  hunksByPath: Map<string, Hunk[]>;
  /** GitHub listed only some of the changed files (3000 for a pull request, 300 for a comparison). */
  truncated: boolean;
}

/** The pull request's diff, fetched, completed, filtered and planned into model calls. */
export async function prepareDiff(options: PrepareOptions): Promise<PreparedDiff> {
  const { octokit, repo, pull, sinceSha, localPatch } = options;
  const listed = await listPullFiles(octokit, repo, pull.number, pull.changedFiles);
  const whole = parseChangedFiles(
    await fillMissingPatches(listed.files, {
      base: pull.baseSha,
      head: pull.headSha,
      compare: async () => (await compareCommits(octokit, repo, pull.baseSha, pull.headSha)).files,
      ...(localPatch && { localPatch }),
    }),
  );
  const hunksByPath = new Map(whole.files.map((f) => [f.path, f.hunks]));

  let review = whole;
  let truncated = listed.truncated;
  if (sinceSha !== undefined) {
    const since = await compareCommits(octokit, repo, sinceSha, pull.headSha);
    truncated ||= since.truncated;
    // A file changed since the last review but no longer by the pull request (changed back) has
    // nothing left to review or comment on.
    const inPull = new Set(listed.files.map((f) => f.filename));
    const changed = listed.truncated ? since.files : since.files.filter((f) => inPull.has(f.filename));
    review = parseChangedFiles(
      await fillMissingPatches(changed, {
        base: sinceSha,
        head: pull.headSha,
        ...(localPatch && { localPatch }),
      }),
    );
  }

  const filtered = filterFiles(review.files, options.paths);
  const plan = await planReview(filtered.files, options);
  return {
    chunks: plan.chunks,
    notReviewed: [...review.notReviewed, ...filtered.notReviewed, ...plan.notReviewed],
    hunksByPath,
    truncated,
  };
}
