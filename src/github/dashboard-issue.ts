import { z } from "zod";
import type { OctokitLike, RepoRef } from "./octokit-like.js";
import { listPages } from "./paginate.js";

/** What is read of an issue that could be the maintenance dashboard. */
export const ListedIssue = z.looseObject({
  number: z.number(),
  state: z.string(),
  body: z.string().nullable().optional(),
  html_url: z.string(),
  pull_request: z.unknown().optional(),
});
export type ListedIssue = z.infer<typeof ListedIssue>;

/**
 * The newest issue opened by `botLogin` whose body `carries` our marker, open or closed: only our own
 * issues count, since anyone can paste a marker into theirs.
 */
export async function findOurIssue(
  octokit: OctokitLike,
  repo: RepoRef,
  botLogin: string,
  carries: (body: string | null | undefined) => boolean,
): Promise<ListedIssue | undefined> {
  for await (const page of listPages(
    octokit,
    "GET /repos/{owner}/{repo}/issues",
    { ...repo, state: "all", creator: botLogin, sort: "created", direction: "desc" },
    ListedIssue,
    10,
  ))
    for (const issue of page) if (!issue.pull_request && carries(issue.body)) return issue;
  return undefined;
}

/** One issue as it is now. */
export async function readIssue(
  octokit: OctokitLike,
  repo: RepoRef,
  issueNumber: number,
): Promise<ListedIssue> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
    ...repo,
    issue_number: issueNumber,
  });
  return ListedIssue.parse(data);
}

/** Opens an issue; the caller has put the title and body through the leak guard. */
export async function openIssue(
  octokit: OctokitLike,
  repo: RepoRef,
  title: string,
  body: string,
): Promise<ListedIssue> {
  const { data } = await octokit.request("POST /repos/{owner}/{repo}/issues", { ...repo, title, body });
  return ListedIssue.parse(data);
}

/** Replaces an issue's body; the caller has put it through the leak guard. */
export async function updateIssueBody(
  octokit: OctokitLike,
  repo: RepoRef,
  issueNumber: number,
  body: string,
): Promise<void> {
  await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
    ...repo,
    issue_number: issueNumber,
    body,
  });
}
