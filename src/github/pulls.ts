import { z } from "zod";
import { PullRequest } from "../request/payloads.js";
import { isStatus } from "./errors.js";
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

const CreatedPull = z.looseObject({ number: z.number(), html_url: z.string() });
export type CreatedPull = z.infer<typeof CreatedPull>;

export async function createPullRequest(
  octokit: OctokitLike,
  repo: RepoRef,
  pr: { title: string; body: string; head: string; base: string; draft: boolean },
): Promise<CreatedPull> {
  const { data } = await octokit.request("POST /repos/{owner}/{repo}/pulls", {
    ...repo,
    ...pr,
    maintainer_can_modify: true,
  });
  return CreatedPull.parse(data);
}

/** Asks for a review; a person who cannot be asked (the PR's author, no access) is not an error worth failing a run. */
export async function requestReviewer(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
  login: string,
): Promise<boolean> {
  try {
    await octokit.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", {
      ...repo,
      pull_number: number,
      reviewers: [login],
    });
    return true;
  } catch (err) {
    if (isStatus(err, 422)) return false;
    throw err;
  }
}
