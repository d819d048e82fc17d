import { z } from "zod";
import { isAccount } from "./comment-edits.js";
import { GUARD_BLOCKED, WITHHELD } from "./guarded-comments.js";
import type { OctokitLike, RepoRef } from "./octokit-like.js";
import { searchAuthor } from "./patchwright-history.js";

/** Review comments are counted on this many of the pull requests the bot reviewed, the latest updated. */
export const REVIEWED_PULLS_READ = 50;
/** On each of them, among this many of its latest reviews, anyone's. */
export const REVIEWS_READ = 50;

// One request with three searches. The reviewed pull requests come with their latest reviews, each with
// its inline comments' count (`totalCount` only: no comment is read). The reviews are filtered here by
// author: GraphQL names an App's bot `patchwright` (a Bot), where REST says `patchwright[bot]`, and
// `reviews(author:)` is not documented to take either. The two guard searches ask for totals only.
const QUERY = `query($reviewed: String!, $blocked: String!, $withheld: String!) {
  reviewed: search(query: $reviewed, type: ISSUE, first: ${REVIEWED_PULLS_READ}) {
    issueCount
    nodes { ... on PullRequest { reviews(last: ${REVIEWS_READ}) {
      totalCount nodes { author { __typename login } comments { totalCount } } } } }
  }
  blocked: search(query: $blocked, type: ISSUE, first: 1) { issueCount }
  withheld: search(query: $withheld, type: ISSUE, first: 1) { issueCount }
}`;

const Actor = z.object({ __typename: z.string(), login: z.string() }).nullable();

const Response = z.object({
  reviewed: z.object({
    issueCount: z.number(),
    nodes: z.array(
      z
        .object({
          reviews: z
            .object({
              totalCount: z.number(),
              nodes: z.array(
                z.object({ author: Actor, comments: z.object({ totalCount: z.number() }) }).nullable(),
              ),
            })
            .nullable()
            .optional(),
        })
        .nullable(),
    ),
  }),
  blocked: z.object({ issueCount: z.number() }),
  withheld: z.object({ issueCount: z.number() }),
});

/** patchwright's reviews in one repository, and the times the leak guard stopped what it was about to send. */
export interface ReviewsAndGuardBlocks {
  /** Pull requests the bot reviewed, as search counts them. */
  reviewedPulls: number;
  /** Inline comments of the bot's reviews on the pull requests read. */
  reviewComments: number;
  /** False when there were more reviewed pull requests, or reviews on one, than were read: a floor then. */
  reviewCommentsComplete: boolean;
  /**
   * Conversations where the bot commented and a comment says the leak guard blocked a change or memory
   * notes, plus those where one says a message was withheld. Search counts conversations, not comments.
   */
  guardBlocks: number;
}

/**
 * patchwright's reviews and guard blocks in `repo`, in one GraphQL request: review comments counted on the
 * 50 pull requests it reviewed that were updated last, guard blocks by the words patchwright writes
 * (guarded-comments.ts). Search is rate limited: callers cache the answer.
 */
export async function reviewsAndGuardBlocks(
  octokit: OctokitLike,
  repo: RepoRef,
  login: string,
): Promise<ReviewsAndGuardBlocks> {
  const who = searchAuthor(login);
  const where = `repo:${repo.owner}/${repo.repo}`;
  const said = (words: string) => `${where} commenter:${who} in:comments "${words}"`;
  const data = Response.parse(
    await octokit.graphql(QUERY, {
      reviewed: `${where} is:pr reviewed-by:${who} sort:updated-desc`,
      blocked: said(GUARD_BLOCKED),
      withheld: said(WITHHELD),
    }),
  );
  const { issueCount, nodes } = data.reviewed;
  let reviewComments = 0;
  let complete = issueCount <= nodes.length;
  for (const reviews of nodes.map((node) => node?.reviews)) {
    if (!reviews) continue;
    if (reviews.totalCount > reviews.nodes.length) complete = false;
    for (const review of reviews.nodes)
      if (review && isAccount(review.author, login)) reviewComments += review.comments.totalCount;
  }
  return {
    reviewedPulls: issueCount,
    reviewComments,
    reviewCommentsComplete: complete,
    guardBlocks: data.blocked.issueCount + data.withheld.issueCount,
  };
}
