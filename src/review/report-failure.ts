import { describeGitHubError } from "../github/errors.js";
import {
  failureNotice,
  upsertSummary,
  withNotice,
  withoutMarker,
  type SummaryComment,
} from "./post/summary-comment.js";
import type { ReviewDeps, ReviewInput } from "./review-input.js";

/**
 * Says on the summary that this review failed; the last finished review's marker stays. Returns the
 * sentence for the result (longer when saying so failed too) and the summary comment it went to.
 */
export async function reportFailure(
  input: ReviewInput,
  deps: Pick<ReviewDeps, "octokit" | "botLogin">,
  summary: SummaryComment | undefined,
  error: string,
): Promise<{ error: string; summaryCommentId: number | undefined }> {
  try {
    const text = withNotice(
      withoutMarker(summary?.body ?? ""),
      "failed",
      failureNotice(input.pull.headSha, error),
    );
    const posted = await upsertSummary(deps.octokit, input.repo, input.pull.number, {
      body: text,
      marker: summary?.marker ?? { findings: [] },
      botLogin: deps.botLogin,
      guard: input.guard,
      existing: summary ?? null,
    });
    return { error, summaryCommentId: posted.commentId };
  } catch (err) {
    return {
      error: `${error} Saying so on the pull request failed too: ${describeGitHubError(err)}`,
      summaryCommentId: undefined,
    };
  }
}
