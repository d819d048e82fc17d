import type { OctokitLike, RepoRef } from "../../github/octokit-like.js";
import { patchwrightHistory, type PatchwrightHistory } from "../../github/patchwright-history.js";
import { reviewsAndGuardBlocks, type ReviewsAndGuardBlocks } from "../../github/reviews-and-guard-blocks.js";

/** What the buddy shows of patchwright in a repository; a part GitHub did not answer for is undefined. */
export interface BuddyHistory {
  /** Opened, merged, closed unmerged and the recent ones: three REST searches. */
  pulls: PatchwrightHistory | undefined;
  /** Reviewed pull requests, review comments and guard blocks: one GraphQL request. */
  reviews: ReviewsAndGuardBlocks | undefined;
}

/**
 * Both parts at once, each on its own: a failure of one (a rate limit, GitHub down) leaves the other's
 * stats, and is logged.
 */
export async function loadBuddyHistory(
  octokit: OctokitLike,
  repo: RepoRef,
  botLogin: string,
  log: { warn(message: string, fields?: Record<string, unknown>): void },
): Promise<BuddyHistory> {
  const [pulls, reviews] = await Promise.allSettled([
    patchwrightHistory(octokit, repo, botLogin),
    reviewsAndGuardBlocks(octokit, repo, botLogin),
  ]);
  const answered = <T>(part: PromiseSettledResult<T>, what: string): T | undefined => {
    if (part.status === "fulfilled") return part.value;
    log.warn(`could not read patchwright's ${what} for buddy`, { error: String(part.reason) });
    return undefined;
  };
  return {
    pulls: answered(pulls, "pull requests"),
    reviews: answered(reviews, "reviews and guard blocks"),
  };
}
