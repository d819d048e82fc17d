/**
 * One review of one pull request, end to end: the diff since the last reviewed head (or all of it),
 * one read-only reviewer agent per part of it (in parallel, bounded), every finding checked against the
 * diff and scored, then one review and the summary comment. Nothing is posted until every part is
 * done, and a failure of the model or of GitHub ends in one sentence (in the result, and in the summary
 * when it can be written), never in half a review.
 */
import type { Usage } from "../agent/model-types.js";
import { RepoConfig } from "../config/schema.js";
import { describeGitHubError } from "../github/errors.js";
import { checkoutReader } from "./checkout.js";
import type { NotReviewed } from "./diff/not-reviewed.js";
import { chooseInline } from "./choose-inline.js";
import { loadDiff, type LoadedDiff } from "./load-diff.js";
import { lowerFirst } from "./lower-first.js";
import { publishResults } from "./publish-results.js";
import { reportFailure } from "./report-failure.js";
import { resolveTarget } from "./resolve-target.js";
import { reviewChunks, type ChunkReviews } from "./review-chunks.js";
import type { ReviewDeps, ReviewInput } from "./review-input.js";
import { scoreReviewFindings } from "./score-review-findings.js";
import { Spend } from "./spend.js";

export interface ReviewResult {
  /** up-to-date: this head was reviewed already; paused: automatic review is off for this pull request. */
  status: "reviewed" | "up-to-date" | "paused" | "failed";
  /** Inline comments posted. */
  posted: number;
  /** Findings skipped because an earlier review posted them. */
  alreadyPosted: number;
  /** Findings kept but listed in the summary instead: over the cap, outside the diff, or refused by GitHub. */
  notPosted: number;
  /** Earlier findings whose code is gone. */
  looksFixed: number;
  /** Earlier summary-only findings listed again: their code has not changed since. */
  carried: number;
  /** What changed but was not read, with why. */
  notReviewed: NotReviewed[];
  modelCalls: number;
  usage: Usage;
  /** Every token of every call: input, output, cache writes and reads. */
  tokens: number;
  costUsd: number;
  reviewId: number | undefined;
  summaryCommentId: number | undefined;
  /** What went wrong, in one sentence; undefined when the review went through. */
  error: string | undefined;
}

export async function runReview(input: ReviewInput, deps: ReviewDeps): Promise<ReviewResult> {
  const started = (deps.now ?? Date.now)();
  const limits = input.limits ?? RepoConfig.parse({}).limits;
  const spend = new Spend();
  const result = (fields: Partial<ReviewResult> & Pick<ReviewResult, "status">): ReviewResult => ({
    posted: 0,
    alreadyPosted: 0,
    notPosted: 0,
    looksFixed: 0,
    carried: 0,
    notReviewed: [],
    ...spend.totals(),
    reviewId: undefined,
    summaryCommentId: undefined,
    error: undefined,
    ...fields,
  });
  const stopped = () => result({ status: "failed", error: "The review was stopped." });

  const target = await resolveTarget(input, deps);
  if (target.kind === "unreadable") return result({ status: "failed", error: target.error });
  if (target.kind === "skip") return result({ status: target.status });
  const fail = async (error: string) =>
    result({ status: "failed", ...(await reportFailure(input, deps, target.summary, error)) });

  const readFile = checkoutReader(deps.checkout);
  let diff: LoadedDiff;
  try {
    diff = await loadDiff(input, deps, target.sinceSha, readFile);
  } catch (err) {
    return fail(`Could not get the pull request's diff: ${describeGitHubError(err)}`);
  }
  const { chunks, hunksByPath } = diff.prepared;

  let reviewed: ChunkReviews;
  try {
    reviewed = await reviewChunks(chunks, input, deps, { started, limits, sinceSha: diff.sinceSha, spend });
  } catch (err) {
    // The checkout, its scratch space or its instruction files: the run's own environment failed.
    return fail(`The review could not start: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (deps.signal?.aborted) return stopped();
  if (reviewed.failure !== undefined) return fail(`The review model failed: ${lowerFirst(reviewed.failure)}`);
  const { reports } = reviewed;

  const findings = reports.flatMap((r) => r.report.findings);
  const scoring = await scoreReviewFindings(findings, hunksByPath, input, deps, readFile, spend);
  const chosen = chooseInline(scoring.placed, scoring.scored, input.config.maxComments);

  if (deps.signal?.aborted) return stopped();
  const notReviewed = [...diff.prepared.notReviewed, ...reviewed.stopped];
  let published;
  try {
    published = await publishResults(
      input,
      deps,
      readFile,
      {
        reports,
        anySent: chunks.length > 0,
        notReviewed,
        sinceSha: diff.sinceSha,
        inline: chosen.inline,
        notPosted: chosen.notPosted,
        // In the order the stages came to them.
        notes: [
          ...diff.notes,
          ...reviewed.notes,
          ...scoring.notes,
          ...chosen.notes,
          ...reports.flatMap((r) => r.notes),
        ],
      },
      spend,
    );
  } catch (err) {
    return fail(`Posting the review failed: ${describeGitHubError(err)}`);
  }
  return result({
    status: "reviewed",
    posted: published.posted,
    alreadyPosted: published.alreadyPosted,
    notPosted: chosen.notPosted.length + published.rejected,
    looksFixed: published.looksFixed.length,
    carried: published.carried,
    notReviewed,
    reviewId: published.reviewId,
    summaryCommentId: published.summaryCommentId,
  });
}
