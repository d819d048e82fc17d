/**
 * One review per run, with all its inline comments. GitHub refuses a whole review (422) when one
 * comment is bad (a line outside the diff, say); then the offending comments are found by bisection
 * with pending reviews, which nobody else sees and which are deleted straight away, and the rest is
 * posted as one review.
 */
import type { GuardConfig } from "../../guard/config.js";
import { refusalReason } from "../../github/errors.js";
import { guardKeepingMarkers } from "../../github/guarded-comments.js";
import type { OctokitLike, RepoRef } from "../../github/octokit-like.js";
import {
  createReview,
  deleteReview,
  listReviewComments,
  type ReviewCommentInput,
} from "../../github/reviews.js";
import { sameLogin } from "../../request/permissions.js";
import { readFingerprint } from "./fingerprint.js";

export interface ReviewComment {
  path: string;
  /** The last line on the new side of the diff. */
  line: number;
  startLine?: number;
  side: "RIGHT";
  body: string;
}

export interface ReviewToPost {
  /** The head SHA the comments' lines belong to. */
  commitId: string;
  body: string;
  /** Never APPROVE: a bot's approval is not a review. */
  event: "COMMENT" | "REQUEST_CHANGES";
  comments: ReviewComment[];
}

export interface PostReviewResult {
  /** Undefined when nothing was posted. */
  reviewId: number | undefined;
  posted: ReviewComment[];
  rejected: { comment: ReviewComment; reason: string }[];
  /** A sentence for the summary when GitHub refused the review as a whole. */
  error: string | undefined;
}

/**
 * Posts `review`; on a 422, finds the comments GitHub refuses and posts the others. Every body goes
 * through the leak guard (our hidden markers kept).
 *
 * API calls: 1 when GitHub accepts the review. On a 422: +2 to check the review without comments
 * (create a pending review, delete it), then bisection, where each probe is 1 call when refused and 2
 * when accepted (create, delete), at most 2(n-1) probes for n comments, then 1 to post the rest. Worst
 * case about 4n calls; one bad comment among 10 takes 12 to 16.
 */
export async function postReview(
  octokit: OctokitLike,
  repo: RepoRef,
  pullNumber: number,
  review: ReviewToPost,
  guard: GuardConfig,
): Promise<PostReviewResult> {
  const body = guardKeepingMarkers(review.body, guard);
  const comments = review.comments;
  // The caller's comment objects are returned as they came; only what is sent is guarded.
  const sent = new Map(comments.map((c) => [c, { ...toApi(c), body: guardKeepingMarkers(c.body, guard) }]));
  const toSend = (list: ReviewComment[]) => list.map((c) => sent.get(c)!);
  const commitId = review.commitId;

  const submit = async (list: ReviewComment[]) => {
    const posted = await createReview(octokit, repo, pullNumber, {
      commitId,
      body,
      event: review.event,
      comments: toSend(list),
    });
    return posted.id;
  };
  /** A pending review as a dry run: undefined when GitHub accepts `list`, else GitHub's reason. */
  const probe = async (list: ReviewComment[]): Promise<string | undefined> => {
    let id: number;
    try {
      id = (await createReview(octokit, repo, pullNumber, { commitId, comments: toSend(list) })).id;
    } catch (err) {
      return refusal(err);
    }
    await deleteReview(octokit, repo, pullNumber, id);
    return undefined;
  };
  /** The offending comments in `list`, which GitHub refused as a whole with `reason`. */
  const offending = async (list: ReviewComment[], reason: string): Promise<PostReviewResult["rejected"]> => {
    if (list.length === 1) return [{ comment: list[0]!, reason }];
    const half = Math.ceil(list.length / 2);
    const [left, right] = [list.slice(0, half), list.slice(half)];
    const leftReason = await probe(left);
    // The whole failed and the left half passed: the offender is in the right half, no probe needed.
    if (leftReason === undefined) return offending(right, reason);
    const rightReason = await probe(right);
    return [
      ...(await offending(left, leftReason)),
      ...(rightReason === undefined ? [] : await offending(right, rightReason)),
    ];
  };

  let firstReason: string;
  try {
    return { reviewId: await submit(comments), posted: comments, rejected: [], error: undefined };
  } catch (err) {
    firstReason = refusal(err);
  }
  const wholeReason = comments.length === 0 ? firstReason : await probe([]);
  if (wholeReason !== undefined) return refusedWhole(comments, wholeReason);

  const rejected = await offending(comments, firstReason);
  const refused = new Set(rejected.map((r) => r.comment));
  const rest = comments.filter((c) => !refused.has(c));
  if (rest.length === 0) return { reviewId: undefined, posted: [], rejected, error: undefined };
  try {
    return { reviewId: await submit(rest), posted: rest, rejected, error: undefined };
  } catch (err) {
    return refusedWhole(comments, refusal(err));
  }
}

function refusedWhole(comments: ReviewComment[], reason: string): PostReviewResult {
  return {
    reviewId: undefined,
    posted: [],
    rejected: comments.map((comment) => ({ comment, reason })),
    error: `GitHub refused the review as a whole (${reason}), so no inline comments were posted.`,
  };
}

function toApi(c: ReviewComment): ReviewCommentInput {
  const range = c.startLine !== undefined && c.startLine < c.line;
  return {
    path: c.path,
    line: c.line,
    side: c.side,
    body: c.body,
    ...(range ? { start_line: c.startLine, start_side: c.side } : {}),
  };
}

/** GitHub's reason for a 422; any other error is not a refusal and is thrown on. */
function refusal(err: unknown): string {
  const reason = refusalReason(err);
  if (reason === undefined) throw err;
  return reason;
}

export interface PostedFinding {
  fingerprint: string;
  commentId: number;
  path: string;
  /** Null when GitHub marks the comment outdated (its line is no longer in the diff). */
  line: number | null;
  startLine: number | null;
  /** The lines it was made on, which survive the comment becoming outdated. */
  originalLine: number | null;
  originalStartLine: number | null;
  body: string;
  diffHunk: string;
  url: string;
}

/**
 * The findings already posted on the pull request as inline comments by `botLogin`: only our own
 * count, since anyone can paste a marker into a comment.
 */
export async function listPostedFingerprints(
  octokit: OctokitLike,
  repo: RepoRef,
  pullNumber: number,
  botLogin: string,
): Promise<PostedFinding[]> {
  const found: PostedFinding[] = [];
  for await (const c of listReviewComments(octokit, repo, pullNumber)) {
    const fp = readFingerprint(c.body);
    if (fp !== undefined && c.user && sameLogin(c.user.login, botLogin)) {
      found.push({
        fingerprint: fp,
        commentId: c.id,
        path: c.path,
        line: c.line ?? null,
        startLine: c.start_line ?? null,
        originalLine: c.original_line ?? null,
        originalStartLine: c.original_start_line ?? null,
        body: c.body,
        diffHunk: c.diff_hunk,
        url: c.html_url,
      });
    }
  }
  return found;
}
