import { isStatus } from "../github/errors.js";
import { checkoutPatch } from "./checkout.js";
import { prepareDiff, type PreparedDiff } from "./diff/prepare.js";
import { inlineCode } from "./post/markdown.js";
import { REVIEW_DEFAULTS, type ReadHeadFile, type ReviewDeps, type ReviewInput } from "./review-input.js";

export interface LoadedDiff {
  prepared: PreparedDiff;
  /** The commit this review covers changes since; undefined when it covers the whole pull request. */
  sinceSha: string | undefined;
  /** Sentences for the summary: the review covers more, or less, than was asked. */
  notes: string[];
}

/**
 * The diff to review, planned into model calls: the changes since `sinceSha`, or the whole pull request
 * when that commit is gone. Throws what GitHub threw otherwise.
 */
export async function loadDiff(
  input: ReviewInput,
  deps: Pick<ReviewDeps, "octokit" | "checkout" | "tokensPerCall" | "maxCalls">,
  sinceSha: string | undefined,
  readFile: ReadHeadFile,
): Promise<LoadedDiff> {
  const prepare = (since: string | undefined) =>
    prepareDiff({
      octokit: deps.octokit,
      repo: input.repo,
      pull: input.pull,
      ...(since !== undefined && { sinceSha: since }),
      paths: input.config.paths,
      tokensPerCall: deps.tokensPerCall ?? REVIEW_DEFAULTS.tokensPerCall,
      maxCalls: deps.maxCalls ?? REVIEW_DEFAULTS.maxCalls,
      readFile,
      localPatch: checkoutPatch(deps.checkout),
    });
  const notes: string[] = [];
  let prepared: PreparedDiff;
  let since = sinceSha;
  try {
    prepared = await prepare(sinceSha);
  } catch (err) {
    // The last reviewed commit is gone (a force-push, then garbage collection): review it all.
    if (sinceSha === undefined || !isStatus(err, 404)) throw err;
    prepared = await prepare(undefined);
    since = undefined;
    notes.push(
      `The last reviewed commit ${inlineCode(sinceSha.slice(0, 7))} is no longer known to GitHub, so the whole pull request was reviewed.`,
    );
  }
  if (prepared.truncated) {
    notes.push("GitHub listed only part of the changed files; the files past its limit were not reviewed.");
  }
  return { prepared, sinceSha: since, notes };
}
