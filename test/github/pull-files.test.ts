import { describe, expect, it } from "vitest";
import { compareCommits, listPullFiles } from "../../src/github/pull-files.js";
import {
  githubApi,
  githubViolations,
  nextPage,
  resetGitHubViolations,
  testOctokit,
} from "../helpers/github-api.js";
import { comparison, diffEntry } from "../review/diff/github-payloads.js";

const repo = { owner: "o", repo: "r" };
const PATCH = "@@ -1 +1 @@\n-a\n+b";
const FILES = "/repos/o/r/pulls/7/files";

function page(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => diffEntry(`src/file${from + i}.ts`, { patch: PATCH }));
}

describe("listPullFiles", () => {
  it("reads every page, 100 files at a time", async () => {
    githubApi()
      .get("/repos/o/r/pulls/7/files")
      .query({ per_page: 100, page: 1 })
      .reply(200, page(0, 100), nextPage(FILES, 2))
      .get("/repos/o/r/pulls/7/files")
      .query({ per_page: 100, page: 2 })
      .reply(200, page(100, 3));
    const { files, truncated } = await listPullFiles(testOctokit(), repo, 7);
    expect(files).toHaveLength(103);
    expect(files[102]).toMatchObject({ filename: "src/file102.ts", status: "modified", patch: PATCH });
    expect(truncated).toBe(false);
  });

  it("stops once it has the pull request's changed_files, without asking for an empty page", async () => {
    githubApi().get("/repos/o/r/pulls/7/files").query({ per_page: 100, page: 1 }).reply(200, page(0, 100));
    const { files, truncated } = await listPullFiles(testOctokit(), repo, 7, 100);
    expect(files).toHaveLength(100);
    expect(truncated).toBe(false);
  });

  it("says the list is truncated at GitHub's 3000 files", async () => {
    const scope = githubApi();
    for (let p = 1; p <= 30; p++) {
      scope
        .get("/repos/o/r/pulls/7/files")
        .query({ per_page: 100, page: p })
        .reply(200, page((p - 1) * 100, 100), nextPage(FILES, p + 1));
    }
    const { files, truncated } = await listPullFiles(testOctokit(), repo, 7, 3400);
    expect(files).toHaveLength(3000);
    expect(truncated).toBe(true);
  });

  it("keeps renames, removed files and files without a patch", async () => {
    githubApi()
      .get("/repos/o/r/pulls/7/files")
      .query({ per_page: 100, page: 1 })
      .reply(200, [
        diffEntry("new/name.ts", { status: "renamed", previous_filename: "old/name.ts", patch: PATCH }),
        diffEntry("gone.ts", { status: "removed", patch: "@@ -1 +0,0 @@\n-x" }),
        diffEntry("logo.png", { status: "added", additions: 0, deletions: 0 }),
      ]);
    const { files } = await listPullFiles(testOctokit(), repo, 7);
    expect(files.map((f) => [f.filename, f.status, f.previous_filename, f.patch !== undefined])).toEqual([
      ["new/name.ts", "renamed", "old/name.ts", true],
      ["gone.ts", "removed", undefined, true],
      ["logo.png", "added", undefined, false],
    ]);
  });

  it("rejects a response that is not a file list", async () => {
    githubApi()
      .get("/repos/o/r/pulls/7/files")
      .query({ per_page: 100, page: 1 })
      .reply(200, { message: "?" });
    await expect(listPullFiles(testOctokit(), repo, 7)).rejects.toThrow();
    // The stub is deliberately not what GitHub sends: the response check saw it too.
    expect(githubViolations().map((v) => v.operation)).toEqual([
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
    ]);
    resetGitHubViolations();
  });
});

describe("compareCommits", () => {
  it("compares base...head and reads the files of the first page", async () => {
    githubApi()
      .get("/repos/o/r/compare/abc123...def456")
      .query({ per_page: 1, page: 1 })
      .reply(200, comparison([diffEntry("a.ts", { patch: PATCH })]));
    const { files, truncated } = await compareCommits(testOctokit(), repo, "abc123", "def456");
    expect(files.map((f) => f.filename)).toEqual(["a.ts"]);
    expect(truncated).toBe(false);
  });

  it("says a comparison of 300 files may be truncated", async () => {
    githubApi()
      .get("/repos/o/r/compare/a...b")
      .query({ per_page: 1, page: 1 })
      .reply(200, comparison(page(0, 300)));
    expect((await compareCommits(testOctokit(), repo, "a", "b")).truncated).toBe(true);
  });
});
