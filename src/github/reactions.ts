import type { CommentKind } from "../request/classify-event.js";
import type { OctokitLike, RepoRef } from "./octokit-like.js";

/** 👀 on what triggered a run. Reviews have no reactions API, so they get none. */
export async function reactEyes(
  octokit: OctokitLike,
  repo: RepoRef,
  target: { kind: CommentKind; id: number },
): Promise<void> {
  const content = "eyes";
  switch (target.kind) {
    case "issue_comment":
      await octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
        ...repo,
        comment_id: target.id,
        content,
      });
      return;
    case "review_comment":
      await octokit.request("POST /repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions", {
        ...repo,
        comment_id: target.id,
        content,
      });
      return;
    case "issue_body":
      await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/reactions", {
        ...repo,
        issue_number: target.id,
        content,
      });
      return;
    case "review":
      return;
  }
}
