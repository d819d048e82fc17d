import { describe, expect, it, vi } from "vitest";
import { ChangedFile } from "../../../src/github/pull-files.js";
import { fillMissingPatches, type LocalPatchRequest } from "../../../src/review/diff/changed-files.js";
import { parseChangedFiles } from "../../../src/review/diff/diff-file.js";
import { diffEntry } from "./github-payloads.js";

const PATCH = "@@ -1 +1 @@\n-a\n+b";

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
