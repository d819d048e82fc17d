import { describe, expect, it } from "vitest";
import { parsePatch } from "../../src/review/diff/patch.js";
import { placeFindings, scoreContext } from "../../src/review/place-findings.js";
import { finding } from "./findings/helpers.js";

// New-side lines 10-14 of src/upload.ts are in the diff.
const hunks = new Map([["src/upload.ts", parsePatch("@@ -10,2 +10,5 @@\n a\n+b\n+c\n d\n+e")]]);

describe("placeFindings", () => {
  it("keeps findings on the diff, moves near ones onto it without their suggestion, and sets the rest aside", () => {
    const exact = finding({ line: 12, startLine: 11, suggestion: "B\nC" });
    const near = finding({ line: 16, title: "Near", suggestion: "x" });
    const far = finding({ line: 40, title: "Far" });
    const otherFile = finding({ path: "src/other.ts", line: 11, title: "Other" });
    const dotted = finding({ path: "./src/upload.ts", line: 13, title: "Dotted" });
    const { placed, outside } = placeFindings([exact, near, far, otherFile, dotted], hunks);
    expect(placed.map((p) => [p.finding.path, p.finding.startLine, p.finding.line, p.exactRange])).toEqual([
      ["src/upload.ts", 11, 12, true],
      ["src/upload.ts", undefined, 14, false],
      ["src/upload.ts", undefined, 13, true],
    ]);
    expect(outside.map((f) => f.title)).toEqual(["Far", "Other"]);
  });
});

describe("scoreContext", () => {
  it("numbers the cited lines with three either side", () => {
    const text = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n");
    expect(scoreContext(text, finding({ line: 2 })).split("\n")).toEqual([
      "     1 line 1",
      "     2 line 2",
      "     3 line 3",
      "     4 line 4",
      "     5 line 5",
    ]);
    expect(scoreContext(undefined, finding())).toBe("(the file is not in the pull request's head)");
  });
});
