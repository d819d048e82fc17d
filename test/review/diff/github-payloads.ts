// GitHub-shaped items of `GET /repos/{owner}/{repo}/pulls/{pull_number}/files` (the `diff-entry` schema),
// for the tests of the diff pipeline.

export interface DiffEntryFields {
  status?: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  patch?: string;
  previous_filename?: string;
  additions?: number;
  deletions?: number;
}

let counter = 0;

/** A fake 40-hex blob sha, different for each call. */
function blobSha(): string {
  counter += 1;
  return counter.toString(16).padStart(40, "0");
}

export function diffEntry(filename: string, fields: DiffEntryFields = {}) {
  const lines = fields.patch?.split("\n") ?? [];
  const additions = fields.additions ?? lines.filter((l) => l.startsWith("+")).length;
  const deletions = fields.deletions ?? lines.filter((l) => l.startsWith("-")).length;
  const ref = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
  return {
    sha: blobSha(),
    filename,
    status: fields.status ?? "modified",
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `https://github.com/o/r/blob/${ref}/${filename}`,
    raw_url: `https://github.com/o/r/raw/${ref}/${filename}`,
    contents_url: `https://api.github.com/repos/o/r/contents/${filename}?ref=${ref}`,
    ...(fields.patch !== undefined && { patch: fields.patch }),
    ...(fields.previous_filename !== undefined && { previous_filename: fields.previous_filename }),
  };
}

/** A `commit-comparison` body with the given files (the commit list left empty: we never read it). */
export function comparison(files: ReturnType<typeof diffEntry>[]) {
  const url = "https://api.github.com/repos/o/r/compare/a...b";
  const commit = {
    url: "https://api.github.com/repos/o/r/commits/6dcb09b5b57875f334f61aebed695e2e4193db5e",
    sha: "6dcb09b5b57875f334f61aebed695e2e4193db5e",
    node_id: "C_1",
    html_url: "https://github.com/o/r/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e",
    comments_url:
      "https://api.github.com/repos/o/r/commits/6dcb09b5b57875f334f61aebed695e2e4193db5e/comments",
    commit: {
      url: "https://api.github.com/repos/o/r/git/commits/6dcb09b5b57875f334f61aebed695e2e4193db5e",
      author: null,
      committer: null,
      message: "m",
      comment_count: 0,
      tree: {
        sha: "6dcb09b5b57875f334f61aebed695e2e4193db5e",
        url: "https://api.github.com/repos/o/r/git/trees/x",
      },
    },
    author: null,
    committer: null,
    parents: [],
  };
  return {
    url,
    html_url: "https://github.com/o/r/compare/a...b",
    permalink_url: "https://github.com/o/r/compare/o:a...o:b",
    diff_url: "https://github.com/o/r/compare/a...b.diff",
    patch_url: "https://github.com/o/r/compare/a...b.patch",
    base_commit: commit,
    merge_base_commit: commit,
    status: "ahead",
    ahead_by: 1,
    behind_by: 0,
    total_commits: 1,
    commits: [],
    files,
  };
}
