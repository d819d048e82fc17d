import { z } from "zod";
import { isStatus } from "./errors.js";
import type { OctokitLike, RepoRef } from "./octokit-like.js";
import { listPages } from "./paginate.js";

/** What maintenance needs of a pull request in a list: whose branch, its state, its body (the marker). */
export const ListedPull = z.looseObject({
  number: z.number(),
  state: z.string(),
  html_url: z.string(),
  body: z.string().nullable().optional(),
  created_at: z.string(),
  merged_at: z.string().nullable().optional(),
  head: z.looseObject({ ref: z.string(), sha: z.string() }),
});
export type ListedPull = z.infer<typeof ListedPull>;

/** The pull requests whose head is `branch` of this repository, open and closed, newest first. */
export async function pullsForBranch(
  octokit: OctokitLike,
  repo: RepoRef,
  branch: string,
): Promise<ListedPull[]> {
  const all: ListedPull[] = [];
  for await (const page of listPages(
    octokit,
    "GET /repos/{owner}/{repo}/pulls",
    { ...repo, head: `${repo.owner}:${branch}`, state: "all", sort: "created", direction: "desc" },
    ListedPull,
    10,
  ))
    all.push(...page);
  return all.filter((p) => p.head.ref === branch).sort((a, b) => b.number - a.number);
}

/** Every open pull request of the repository whose branch starts with `prefix`. */
export async function openPullsUnder(
  octokit: OctokitLike,
  repo: RepoRef,
  prefix: string,
): Promise<ListedPull[]> {
  const found: ListedPull[] = [];
  for await (const page of listPages(
    octokit,
    "GET /repos/{owner}/{repo}/pulls",
    { ...repo, state: "open" },
    ListedPull,
  ))
    found.push(...page.filter((p) => p.head.ref.startsWith(prefix)));
  return found;
}

/** Pull requests opened at or after `since` from branches starting with `prefix`, read newest first. */
export async function pullsOpenedSince(
  octokit: OctokitLike,
  repo: RepoRef,
  prefix: string,
  since: Date,
): Promise<ListedPull[]> {
  const found: ListedPull[] = [];
  for await (const page of listPages(
    octokit,
    "GET /repos/{owner}/{repo}/pulls",
    { ...repo, state: "all", sort: "created", direction: "desc" },
    ListedPull,
  )) {
    const recent = page.filter((p) => Date.parse(p.created_at) >= since.getTime());
    found.push(...recent.filter((p) => p.head.ref.startsWith(prefix)));
    // Newest first: a page reaching past `since` is the last one needed.
    if (recent.length < page.length) break;
  }
  return found;
}

const PullCommit = z.looseObject({
  sha: z.string(),
  commit: z.looseObject({
    author: z.looseObject({ email: z.string().optional() }).nullable(),
    committer: z.looseObject({ email: z.string().optional() }).nullable(),
  }),
});
export type PullCommit = z.infer<typeof PullCommit>;

/** The commits on `head` that `base` does not have (GitHub lists at most 250). */
export async function commitsBetween(
  octokit: OctokitLike,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<PullCommit[]> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
    ...repo,
    basehead: `${base}...${head}`,
  });
  return z.object({ commits: z.array(PullCommit) }).parse(data).commits;
}

/** The commits of a pull request (GitHub lists at most 250). */
export async function pullCommits(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
): Promise<PullCommit[]> {
  const all: PullCommit[] = [];
  for await (const page of listPages(
    octokit,
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits",
    { ...repo, pull_number: number },
    PullCommit,
    3,
  ))
    all.push(...page);
  return all;
}

export async function updatePullBody(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
  body: string,
): Promise<void> {
  await octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
    ...repo,
    pull_number: number,
    body,
  });
}

export async function addLabels(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
  labels: string[],
): Promise<void> {
  if (labels.length === 0) return;
  await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
    ...repo,
    issue_number: number,
    labels,
  });
}

/** Deletes a branch; one already gone is not an error. */
export async function deleteBranch(octokit: OctokitLike, repo: RepoRef, branch: string): Promise<void> {
  try {
    await octokit.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", { ...repo, ref: `heads/${branch}` });
  } catch (err) {
    if (!isStatus(err, 404) && !isStatus(err, 422)) throw err;
  }
}
