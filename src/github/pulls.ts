import { PullRequest } from "../request/payloads.js";
import type { OctokitLike, RepoRef } from "./octokit-like.js";

export async function getPullRequest(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
): Promise<PullRequest> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    ...repo,
    pull_number: number,
  });
  return PullRequest.parse(data);
}

/** A pull request whose head lives in another repository (or in a deleted one). */
export function isFromFork(pr: PullRequest): boolean {
  return pr.head.repo === null || pr.head.repo.full_name !== pr.base.repo.full_name;
}
