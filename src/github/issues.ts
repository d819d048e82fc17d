import { z } from "zod";
import type { OctokitLike, RepoRef } from "./octokit-like.js";

/** What is used of an issue (or a pull request, which is an issue too). */
export const Issue = z.looseObject({ title: z.string() });
export type Issue = z.infer<typeof Issue>;

export async function getIssue(octokit: OctokitLike, repo: RepoRef, issueNumber: number): Promise<Issue> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
    ...repo,
    issue_number: issueNumber,
  });
  return Issue.parse(data);
}
