import { z } from "zod";
import type { OctokitLike, RepoRef } from "./octokit-like.js";
import { listPages } from "./paginate.js";

export const FileStatus = z.enum([
  "added",
  "removed",
  "modified",
  "renamed",
  "copied",
  "changed",
  "unchanged",
]);
export type FileStatus = z.infer<typeof FileStatus>;

/** One item of `GET /repos/{owner}/{repo}/pulls/{pull_number}/files` (and of a comparison's `files`). */
export const ChangedFile = z.object({
  sha: z.string().nullable(),
  filename: z.string(),
  status: FileStatus,
  additions: z.number().int(),
  deletions: z.number().int(),
  changes: z.number().int(),
  /** Absent for binary files, and for text diffs GitHub finds too large to include. */
  patch: z.string().optional(),
  previous_filename: z.string().optional(),
});
export type ChangedFile = z.infer<typeof ChangedFile>;

export interface FileList {
  files: ChangedFile[];
  /** GitHub stopped listing before the end: the files past its limit are unknown, not unchanged. */
  truncated: boolean;
}

/** GitHub lists at most 3000 files of a pull request. */
export const MAX_PULL_FILES = 3000;
/** A comparison lists at most 300 files, all on its first page. */
export const MAX_COMPARE_FILES = 300;

/**
 * Every changed file of a pull request, page by page. `changedFiles` (the pull request's `changed_files`)
 * tells a pull request of exactly 3000 files from a truncated one; without it, a list that reaches the
 * limit counts as truncated, the cautious reading.
 */
export async function listPullFiles(
  octokit: OctokitLike,
  repo: RepoRef,
  pullNumber: number,
  changedFiles?: number,
): Promise<FileList> {
  const files: ChangedFile[] = [];
  const route = "GET /repos/{owner}/{repo}/pulls/{pull_number}/files";
  for await (const page of listPages(octokit, route, { ...repo, pull_number: pullNumber }, ChangedFile)) {
    files.push(...page);
    if (changedFiles !== undefined && files.length >= changedFiles) return { files, truncated: false };
    // GitHub's limit: past it, the list is cut, whatever links it sends.
    if (files.length >= MAX_PULL_FILES) {
      return { files, truncated: changedFiles === undefined || changedFiles > files.length };
    }
  }
  return { files, truncated: false };
}

export const Comparison = z.looseObject({ files: z.array(ChangedFile).default([]) });
export type Comparison = z.infer<typeof Comparison>;

/**
 * The files changed between two commits (`base...head`: since their merge base, like a pull request's
 * diff). Used to recover patches the pull request's list left out and for incremental reviews, where
 * `base` is the last reviewed head. GitHub shows the files on the first page only; one commit per page
 * keeps the commit list we do not read small.
 */
export async function compareCommits(
  octokit: OctokitLike,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<FileList> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
    ...repo,
    basehead: `${base}...${head}`,
    per_page: 1,
    page: 1,
  });
  const { files } = Comparison.parse(data);
  return { files, truncated: files.length >= MAX_COMPARE_FILES };
}
