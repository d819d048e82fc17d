/**
 * `@patchwright pause` / `resume` on a pull request: automatic review off or on for it. The state lives
 * in the review's summary comment (its marker and a visible notice), so it needs no store and anyone
 * can see it; a pull request without a summary yet gets one holding only the notice.
 */
import type { OctokitLike, RepoRef } from "../github/octokit-like.js";
import type { GuardConfig } from "../guard/config.js";
import {
  findSummary,
  PAUSED_NOTICE,
  upsertSummary,
  withNotice,
  withoutMarker,
} from "./post/summary-comment.js";

/** Whether automatic review is paused on pull request `number`. */
export async function isReviewPaused(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
  botLogin: string,
): Promise<boolean> {
  const summary = await findSummary(octokit, repo, number, botLogin);
  return summary?.marker.paused === true;
}

export interface PauseResult {
  /** False when the pull request already was in the asked state: nothing was written. */
  changed: boolean;
  /** The summary comment holding the state; undefined when resuming a pull request that has none. */
  commentId: number | undefined;
}

/** Turns automatic review off (`paused`) or back on for pull request `number`. */
export async function setReviewPaused(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
  botLogin: string,
  paused: boolean,
  guard: GuardConfig,
): Promise<PauseResult> {
  const summary = await findSummary(octokit, repo, number, botLogin);
  if ((summary?.marker.paused === true) === paused) return { changed: false, commentId: summary?.id };
  const text = withNotice(withoutMarker(summary?.body ?? ""), "paused", paused ? PAUSED_NOTICE : undefined);
  const posted = await upsertSummary(octokit, repo, number, {
    body: text,
    marker: { ...(summary?.marker ?? { findings: [] }), paused: paused ? true : undefined },
    botLogin,
    guard,
    existing: summary ?? null,
  });
  return { changed: true, commentId: posted.commentId };
}
