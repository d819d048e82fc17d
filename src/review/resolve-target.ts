import { describeGitHubError } from "../github/errors.js";
import { findSummary, type SummaryComment } from "./post/summary-comment.js";
import type { ReviewDeps, ReviewInput } from "./review-input.js";

/** Whether to review at all, and from where: the last review's summary comment decides. */
export type ReviewTarget =
  /** Nothing to do: automatic review is paused, or this head was reviewed already. */
  | { kind: "skip"; status: "paused" | "up-to-date" }
  /** The summary could not be read, so what was posted before is unknown: post nothing. */
  | { kind: "unreadable"; error: string }
  | {
      kind: "review";
      /** The summary comment of earlier reviews, if there is one. */
      summary: SummaryComment | undefined;
      /** Review only what changed since this commit (the head the last review read). */
      sinceSha: string | undefined;
    };

export async function resolveTarget(
  input: ReviewInput,
  deps: Pick<ReviewDeps, "octokit" | "botLogin">,
): Promise<ReviewTarget> {
  const { repo, pull } = input;
  let summary: SummaryComment | undefined;
  try {
    summary = await findSummary(deps.octokit, repo, pull.number, deps.botLogin);
  } catch (err) {
    return { kind: "unreadable", error: `Could not read the pull request: ${describeGitHubError(err)}` };
  }
  if (!input.full && summary?.marker.paused) return { kind: "skip", status: "paused" };
  if (!input.full && summary?.marker.headSha === pull.headSha) return { kind: "skip", status: "up-to-date" };
  return { kind: "review", summary, sinceSha: input.full ? undefined : summary?.marker.headSha };
}
