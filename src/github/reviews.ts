import { z } from "zod";
import type { OctokitLike, RepoRef } from "./octokit-like.js";
import { listPages } from "./paginate.js";

/** An inline comment as a review sends it: on the new side of the diff, one line or a range. */
export interface ReviewCommentInput {
  path: string;
  line: number;
  side: "RIGHT";
  body: string;
  start_line?: number;
  start_side?: "RIGHT";
}

export interface ReviewInput {
  /** The head SHA the comments' lines belong to. */
  commitId: string;
  comments: ReviewCommentInput[];
  /** Left out, with `event`, for a pending review: nobody else sees it. */
  body?: string;
  event?: "COMMENT" | "REQUEST_CHANGES";
}

export const CreatedReview = z.looseObject({ id: z.number() });
export type CreatedReview = z.infer<typeof CreatedReview>;

/** A review with its inline comments; GitHub refuses the whole of it (422) when one comment is bad. */
export async function createReview(
  octokit: OctokitLike,
  repo: RepoRef,
  pullNumber: number,
  review: ReviewInput,
): Promise<CreatedReview> {
  const { data } = await octokit.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
    ...repo,
    pull_number: pullNumber,
    commit_id: review.commitId,
    ...(review.body !== undefined && { body: review.body }),
    ...(review.event !== undefined && { event: review.event }),
    comments: review.comments,
  });
  return CreatedReview.parse(data);
}

/** Deletes a pending review (a submitted one cannot be). */
export async function deleteReview(
  octokit: OctokitLike,
  repo: RepoRef,
  pullNumber: number,
  reviewId: number,
): Promise<void> {
  await octokit.request("DELETE /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}", {
    ...repo,
    pull_number: pullNumber,
    review_id: reviewId,
  });
}

/** What is used of an inline review comment. */
export const PullReviewComment = z.looseObject({
  id: z.number(),
  body: z.string(),
  path: z.string(),
  line: z.number().nullable().optional(),
  start_line: z.number().nullable().optional(),
  original_line: z.number().nullable().optional(),
  original_start_line: z.number().nullable().optional(),
  diff_hunk: z.string(),
  html_url: z.string(),
  user: z.looseObject({ login: z.string() }).nullable(),
});
export type PullReviewComment = z.infer<typeof PullReviewComment>;

/** Every inline review comment on a pull request, oldest first. */
export async function* listReviewComments(
  octokit: OctokitLike,
  repo: RepoRef,
  pullNumber: number,
): AsyncGenerator<PullReviewComment> {
  const route = "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments";
  for await (const page of listPages(octokit, route, { ...repo, pull_number: pullNumber }, PullReviewComment))
    yield* page;
}
