import { describe, expect, it } from "vitest";
import { ChangedFile } from "../../../src/github/pull-files.js";
import { parseChangedFiles } from "../../../src/review/diff/diff-file.js";
import { codeAt, placeFinding, suggestionAllowed } from "../../../src/review/diff/line-map.js";
import { parsePatch } from "../../../src/review/diff/patch.js";
import { diffEntry } from "./github-payloads.js";

// New-file lines 10–16 (first hunk) and 40–42 (second); old line 12 removed, new lines 12–13 added.
const hunks = parsePatch(
  [
    "@@ -10,5 +10,7 @@ function f() {",
    " a", // 10
    " b", // 11
    "-old", // old 12
    "+new1", // 12
    "+new2", // 13
    "+new3", // 14
    " c", // 15
    " d", // 16
    "@@ -38,3 +40,3 @@",
    " x", // 40
    "-y",
    "+Y", // 41
    " z", // 42
  ].join("\n"),
);

describe("placeFinding", () => {
  it("places a finding exactly on added and context lines", () => {
    expect(placeFinding({ line: 12 }, hunks)).toEqual({ kind: "exact", line: 12 });
    expect(placeFinding({ line: 10 }, hunks)).toEqual({ kind: "exact", line: 10 });
    expect(placeFinding({ line: 16 }, hunks)).toEqual({ kind: "exact", line: 16 });
    expect(placeFinding({ line: 41 }, hunks)).toEqual({ kind: "exact", line: 41 });
  });

  it("maps a removed line by its new-side neighbours only: old numbers are not commentable", () => {
    // Old line 12 was removed; a model citing new line 12 gets the added line that replaced it.
    expect(codeAt(hunks, 12)).toBe("new1");
    expect(hunks[0]!.lines.filter((l) => l.kind === "del").map((l) => l.newLine)).toEqual([undefined]);
  });

  it("snaps a line up to 3 lines outside a hunk to its nearest edge", () => {
    expect(placeFinding({ line: 7 }, hunks)).toEqual({ kind: "snapped", line: 10, from: { line: 7 } });
    expect(placeFinding({ line: 19 }, hunks)).toEqual({ kind: "snapped", line: 16, from: { line: 19 } });
    expect(placeFinding({ line: 37 }, hunks)).toEqual({ kind: "snapped", line: 40, from: { line: 37 } });
    expect(placeFinding({ line: 45 }, hunks)).toEqual({ kind: "snapped", line: 42, from: { line: 45 } });
  });

  it("sends anything further off to the summary", () => {
    expect(placeFinding({ line: 6 }, hunks)).toEqual({ kind: "outside" });
    expect(placeFinding({ line: 20 }, hunks)).toEqual({ kind: "outside" });
    expect(placeFinding({ line: 46 }, hunks)).toEqual({ kind: "outside" });
    expect(placeFinding({ line: 0 }, hunks)).toEqual({ kind: "outside" });
    expect(placeFinding({ line: 1.5 }, hunks)).toEqual({ kind: "outside" });
  });

  it("keeps a range inside one hunk, in either order", () => {
    expect(placeFinding({ startLine: 12, line: 14 }, hunks)).toEqual({
      kind: "exact",
      startLine: 12,
      line: 14,
    });
    expect(placeFinding({ startLine: 14, line: 12 }, hunks)).toEqual({
      kind: "exact",
      startLine: 12,
      line: 14,
    });
    expect(placeFinding({ startLine: 13, line: 13 }, hunks)).toEqual({ kind: "exact", line: 13 });
  });

  it("collapses a range that leaves its hunk to its end line, or sends it to the summary", () => {
    expect(placeFinding({ startLine: 8, line: 12 }, hunks)).toEqual({
      kind: "snapped",
      line: 12,
      from: { startLine: 8, line: 12 },
    });
    expect(placeFinding({ startLine: 14, line: 41 }, hunks)).toEqual({
      kind: "snapped",
      line: 41,
      from: { startLine: 14, line: 41 },
    });
    expect(placeFinding({ startLine: 14, line: 18 }, hunks)).toEqual({ kind: "outside" });
  });

  it("places nothing in a deletion-only hunk, a deleted file or a file without a patch", () => {
    const deletionOnly = parsePatch("@@ -5,2 +4,0 @@\n-a\n-b");
    expect(placeFinding({ line: 4 }, deletionOnly)).toEqual({ kind: "outside" });
    expect(placeFinding({ line: 1 }, [])).toEqual({ kind: "outside" });
  });

  it("maps lines of a renamed file on its new path's numbering", () => {
    const { files } = parseChangedFiles([
      ChangedFile.parse(
        diffEntry("src/new-name.ts", {
          status: "renamed",
          previous_filename: "src/old-name.ts",
          patch: "@@ -3,2 +3,3 @@\n keep\n+added\n tail",
        }),
      ),
    ]);
    const renamed = files[0]!;
    expect(renamed).toMatchObject({ path: "src/new-name.ts", previousPath: "src/old-name.ts" });
    expect(placeFinding({ line: 4 }, renamed.hunks)).toEqual({ kind: "exact", line: 4 });
    expect(codeAt(renamed.hunks, 4)).toBe("added");
  });
});

describe("suggestionAllowed", () => {
  it("allows a suggestion only where the placement is exact", () => {
    expect(suggestionAllowed(placeFinding({ startLine: 12, line: 14 }, hunks))).toBe(true);
    expect(suggestionAllowed(placeFinding({ line: 41 }, hunks))).toBe(true);
    expect(suggestionAllowed(placeFinding({ line: 18 }, hunks))).toBe(false);
    expect(suggestionAllowed(placeFinding({ startLine: 8, line: 12 }, hunks))).toBe(false);
    expect(suggestionAllowed(placeFinding({ line: 30 }, hunks))).toBe(false);
  });
});

describe("codeAt", () => {
  it("reads added and context lines on the new side, and nothing outside the diff", () => {
    expect(codeAt(hunks, 11)).toBe("b");
    expect(codeAt(hunks, 14)).toBe("new3");
    expect(codeAt(hunks, 41)).toBe("Y");
    expect(codeAt(hunks, 17)).toBeUndefined();
    expect(codeAt(hunks, 1)).toBeUndefined();
  });
});
