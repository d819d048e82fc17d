import { describe, expect, it, vi } from "vitest";
import {
  ChangedFile,
  fetchCompareFiles,
  fetchPullFiles,
  fillMissingPatches,
  type LocalPatchRequest,
} from "../../../src/review/diff/changed-files.js";
import { parseChangedFiles } from "../../../src/review/diff/diff-file.js";
import { githubApi, githubViolations, resetGitHubViolations, testOctokit } from "../../helpers/github-api.js";
import { comparison, diffEntry } from "./github-payloads.js";

const repo = { owner: "o", repo: "r" };
const PATCH = "@@ -1 +1 @@\n-a\n+b";

function page(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => diffEntry(`src/file${from + i}.ts`, { patch: PATCH }));
}

describe("fetchPullFiles", () => {
  it("reads every page, 100 files at a time", async () => {
    githubApi()
      .get("/repos/o/r/pulls/7/files")
      .query({ per_page: 100, page: 1 })
      .reply(200, page(0, 100))
      .get("/repos/o/r/pulls/7/files")
      .query({ per_page: 100, page: 2 })
      .reply(200, page(100, 3));
    const { files, truncated } = await fetchPullFiles(testOctokit(), repo, 7);
    expect(files).toHaveLength(103);
    expect(files[102]).toMatchObject({ filename: "src/file102.ts", status: "modified", patch: PATCH });
    expect(truncated).toBe(false);
  });

  it("stops once it has the pull request's changed_files, without asking for an empty page", async () => {
    githubApi().get("/repos/o/r/pulls/7/files").query({ per_page: 100, page: 1 }).reply(200, page(0, 100));
    const { files, truncated } = await fetchPullFiles(testOctokit(), repo, 7, 100);
    expect(files).toHaveLength(100);
    expect(truncated).toBe(false);
  });

  it("says the list is truncated at GitHub's 3000 files", async () => {
    const scope = githubApi();
    for (let p = 1; p <= 30; p++) {
      scope
        .get("/repos/o/r/pulls/7/files")
        .query({ per_page: 100, page: p })
        .reply(200, page((p - 1) * 100, 100));
    }
    const { files, truncated } = await fetchPullFiles(testOctokit(), repo, 7, 3400);
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
    const { files } = await fetchPullFiles(testOctokit(), repo, 7);
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
    await expect(fetchPullFiles(testOctokit(), repo, 7)).rejects.toThrow();
    // The stub is deliberately not what GitHub sends: the response check saw it too.
    expect(githubViolations().map((v) => v.operation)).toEqual([
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
    ]);
    resetGitHubViolations();
  });
});

describe("fetchCompareFiles", () => {
  it("compares base...head and reads the files of the first page", async () => {
    githubApi()
      .get("/repos/o/r/compare/abc123...def456")
      .query({ per_page: 1, page: 1 })
      .reply(200, comparison([diffEntry("a.ts", { patch: PATCH })]));
    const { files, truncated } = await fetchCompareFiles(testOctokit(), repo, "abc123", "def456");
    expect(files.map((f) => f.filename)).toEqual(["a.ts"]);
    expect(truncated).toBe(false);
  });

  it("says a comparison of 300 files may be truncated", async () => {
    githubApi()
      .get("/repos/o/r/compare/a...b")
      .query({ per_page: 1, page: 1 })
      .reply(200, comparison(page(0, 300)));
    expect((await fetchCompareFiles(testOctokit(), repo, "a", "b")).truncated).toBe(true);
  });
});

describe("fillMissingPatches", () => {
  const big = ChangedFile.parse(diffEntry("src/big.ts", { additions: 9000, deletions: 10 }));
  const binary = ChangedFile.parse(diffEntry("logo.png", { additions: 0, deletions: 0 }));
  const small = ChangedFile.parse(diffEntry("src/small.ts", { patch: PATCH }));

  it("asks nothing when every file with changed lines has its patch", async () => {
    const compare = vi.fn();
    const localPatch = vi.fn();
    const files = [small, binary];
    expect(await fillMissingPatches(files, { base: "a", head: "b", compare, localPatch })).toBe(files);
    expect(compare).not.toHaveBeenCalled();
    expect(localPatch).not.toHaveBeenCalled();
  });

  it("takes the patch from the comparison first", async () => {
    const localPatch = vi.fn();
    const compare = vi.fn(() =>
      Promise.resolve([ChangedFile.parse(diffEntry("src/big.ts", { patch: "@@ -1 +1 @@\n-x\n+y" }))]),
    );
    const filled = await fillMissingPatches([small, big, binary], {
      base: "a",
      head: "b",
      compare,
      localPatch,
    });
    expect(filled.map((f) => f.patch)).toEqual([PATCH, "@@ -1 +1 @@\n-x\n+y", undefined]);
    expect(compare).toHaveBeenCalledTimes(1);
    expect(localPatch).not.toHaveBeenCalled();
  });

  it("falls back to the clone, naming the file, its old name and the commits", async () => {
    const renamed = { ...big, status: "renamed" as const, previous_filename: "src/old.ts" };
    const requests: LocalPatchRequest[] = [];
    const filled = await fillMissingPatches([renamed], {
      base: "a",
      head: "b",
      compare: () => Promise.resolve([]),
      localPatch: (request) => {
        requests.push(request);
        return Promise.resolve("@@ -1 +1 @@\n-p\n+q");
      },
    });
    expect(requests).toEqual([{ path: "src/big.ts", previousPath: "src/old.ts", base: "a", head: "b" }]);
    expect(filled[0]!.patch).toBe("@@ -1 +1 @@\n-p\n+q");
  });

  it("leaves a file without a patch when no source has one", async () => {
    const filled = await fillMissingPatches([big], {
      base: "a",
      head: "b",
      localPatch: () => Promise.resolve(undefined),
    });
    expect(filled[0]!.patch).toBeUndefined();
  });
});

describe("parseChangedFiles", () => {
  it("parses patches and names every file it cannot show, with why", () => {
    const entries = [
      diffEntry("src/a.ts", { patch: PATCH }),
      diffEntry("src/moved.ts", { status: "renamed", previous_filename: "src/old.ts", patch: PATCH }),
      diffEntry("logo.png", { status: "added", additions: 0, deletions: 0 }),
      diffEntry("huge.sql", { additions: 40000, deletions: 0 }),
      diffEntry("src/same.ts", {
        status: "renamed",
        previous_filename: "src/was.ts",
        additions: 0,
        deletions: 0,
      }),
      diffEntry("run.sh", { status: "changed", additions: 0, deletions: 0 }),
      diffEntry("old.bin", { status: "removed", additions: 0, deletions: 0 }),
      diffEntry("broken.ts", { patch: "@@ -1,3 +1,3 @@\n-a" }),
    ].map((e) => ChangedFile.parse(e));
    const { files, notReviewed } = parseChangedFiles(entries);
    expect(files.map((f) => [f.path, f.previousPath, f.status, f.hunks.length])).toEqual([
      ["src/a.ts", undefined, "modified", 1],
      ["src/moved.ts", "src/old.ts", "renamed", 1],
    ]);
    expect(notReviewed.map((n) => [n.path, n.reason])).toEqual([
      ["logo.png", "no-diff"],
      ["huge.sql", "no-diff"],
      ["src/same.ts", "no-text-change"],
      ["run.sh", "no-text-change"],
      ["old.bin", "deleted"],
      ["broken.ts", "unparseable"],
    ]);
    expect(notReviewed[0]!.detail).toMatch(/binary or too large/);
    expect(notReviewed[2]!.detail).toBe("renamed from `src/was.ts` without changed lines");
  });
});
