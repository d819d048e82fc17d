import { z } from "zod";
import type { OctokitLike, RepoRef } from "../../github/octokit-like.js";

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

const PER_PAGE = 100;
/** GitHub lists at most 3000 files of a pull request. */
export const MAX_PULL_FILES = 3000;
/** A comparison lists at most 300 files, all on its first page. */
export const MAX_COMPARE_FILES = 300;

/**
 * Every changed file of a pull request, page by page. `changedFiles` (the pull request's `changed_files`)
 * tells a pull request of exactly 3000 files from a truncated one; without it, a full last page counts as
 * truncated, the cautious reading.
 */
export async function fetchPullFiles(
  octokit: OctokitLike,
  repo: RepoRef,
  pullNumber: number,
  changedFiles?: number,
): Promise<FileList> {
  const files: ChangedFile[] = [];
  for (let page = 1; files.length < MAX_PULL_FILES; page++) {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
      ...repo,
      pull_number: pullNumber,
      per_page: PER_PAGE,
      page,
    });
    const items = z.array(ChangedFile).parse(data);
    files.push(...items);
    if (items.length < PER_PAGE || (changedFiles !== undefined && files.length >= changedFiles)) {
      return { files, truncated: false };
    }
  }
  return { files, truncated: changedFiles === undefined || changedFiles > files.length };
}

const Comparison = z.object({ files: z.array(ChangedFile).default([]) });

/**
 * The files changed between two commits (`base...head`: since their merge base, like a pull request's
 * diff). Used to recover patches the pull request's list left out and for incremental reviews, where
 * `base` is the last reviewed head. GitHub shows the files on the first page only; one commit per page
 * keeps the commit list we do not read small.
 */
export async function fetchCompareFiles(
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

export interface LocalPatchRequest {
  path: string;
  previousPath?: string;
  /** The diff is `base...head`, as GitHub's. */
  base: string;
  head: string;
}

/** The diff of one file from a clone (`git diff`), hunks only like GitHub's `patch`; undefined if binary. */
export type LocalPatch = (request: LocalPatchRequest) => Promise<string | undefined>;

export interface PatchSources {
  base: string;
  head: string;
  /** The comparison of the same commits, asked once and only if a file needs it. */
  compare?: () => Promise<ChangedFile[]>;
  localPatch?: LocalPatch;
}

/**
 * Fills in the patches GitHub left out of a file list, from the comparison first and then the clone.
 * Files without changed lines (binary files, pure renames) have nothing to recover and are left as they
 * are; so is anything no source could supply.
 */
export async function fillMissingPatches(
  files: ChangedFile[],
  sources: PatchSources,
): Promise<ChangedFile[]> {
  const needsPatch = (f: ChangedFile) => f.patch === undefined && f.changes > 0;
  if (!files.some(needsPatch)) return files;
  const compared = sources.compare ? await sources.compare() : [];
  const fromCompare = new Map(
    compared.filter((f) => f.patch !== undefined).map((f) => [f.filename, f.patch]),
  );
  // One at a time: each clone lookup may start a git process, and such files are few.
  const filled: ChangedFile[] = [];
  for (const file of files) {
    const patch = needsPatch(file)
      ? (fromCompare.get(file.filename) ?? (await sources.localPatch?.(localRequest(file, sources))))
      : file.patch;
    filled.push(patch === undefined ? file : { ...file, patch });
  }
  return filled;
}

function localRequest(file: ChangedFile, { base, head }: PatchSources): LocalPatchRequest {
  return {
    path: file.filename,
    ...(file.previous_filename !== undefined && { previousPath: file.previous_filename }),
    base,
    head,
  };
}
