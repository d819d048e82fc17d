import { getPullRequest } from "../github/pulls.js";
import { runReview } from "../review/run-review.js";
import { finished, workspaceFor, type RunScope } from "./run-scope.js";
import type { RunReport } from "./report.js";

/**
 * A review run: the pull request's head and base fetched, the review pipeline over that checkout, and a
 * report for the tracking comment (on-demand `/review`) or the log (automatic reviews speak through the
 * review and its summary comment).
 */
export async function reviewRun(s: RunScope): Promise<RunReport> {
  const { request, deps } = s;
  const number = request.thread!.number;
  const pr = await getPullRequest(s.octokit, s.repo, number);
  const headRef = `refs/pull/${number}/head`;
  const baseRef = `refs/heads/${pr.base.ref}`;
  const ws = await workspaceFor(s, [headRef, baseRef]);
  try {
    const result = await runReview(
      {
        repo: s.repo,
        pull: {
          number,
          baseSha: ws.shas[baseRef]!,
          headSha: ws.shas[headRef]!,
          title: pr.title,
          body: pr.body ?? "",
        },
        config: request.config.review,
        guard: request.config.guard,
        full: request.command === "review",
        limits: request.config.limits,
        agent: request.config.agent,
      },
      {
        octokit: s.octokit,
        model: deps.model,
        modelName: request.config.model ?? deps.defaultModel,
        botLogin: deps.botLogin,
        checkout: ws.dir,
        signal: s.signal,
        env: deps.env,
      },
    );
    const pull = `${deps.serverUrl}/${request.repository.owner}/${request.repository.name}/pull/${number}`;
    const links = [
      ...(result.reviewId !== undefined
        ? [{ label: "the review", url: `${pull}#pullrequestreview-${result.reviewId}` }]
        : []),
      ...(result.summaryCommentId !== undefined
        ? [{ label: "the summary", url: `${pull}#issuecomment-${result.summaryCommentId}` }]
        : []),
    ];
    const figures = { links };
    switch (result.status) {
      case "failed":
        return finished(
          s,
          "failed",
          `${(result.error ?? "the review failed").replace(/\.$/, "")}. Nothing was posted.`,
          figures,
        );
      case "paused":
        return finished(s, "review_skipped", "automatic review is paused on this pull request.", figures);
      case "up-to-date":
        return finished(
          s,
          "review_skipped",
          "this head was reviewed already; nothing new to review.",
          figures,
        );
      case "reviewed": {
        const comments = `${result.posted} comment${result.posted === 1 ? "" : "s"}`;
        const cost = `${result.modelCalls} model call${result.modelCalls === 1 ? "" : "s"}, ${result.tokens.toLocaleString("en-US")} tokens, $${result.costUsd.toFixed(2)}`;
        const notReviewed = result.notReviewed.length
          ? `; ${result.notReviewed.length} file(s) not reviewed, listed in the summary`
          : "";
        return finished(
          s,
          "reviewed",
          `reviewed this pull request: ${comments} posted (${cost})${notReviewed}.`,
          figures,
        );
      }
    }
  } finally {
    await ws.cleanup();
  }
}
