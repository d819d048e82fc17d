import { describe, expect, it } from "vitest";
import { newEnd, oldEnd, parsePatch, PatchParseError } from "../../../src/review/diff/patch.js";

describe("parsePatch", () => {
  it("numbers added, removed and context lines on their sides", () => {
    const patch = [
      "@@ -10,4 +10,5 @@ export function load(path: string) {",
      "   const raw = read(path);",
      "-  const data = JSON.parse(raw);",
      "+  const data = parse(raw);",
      "+  validate(data);",
      "   return data;",
      " }",
    ].join("\n");
    const [hunk, ...rest] = parsePatch(patch);
    expect(rest).toEqual([]);
    expect(hunk).toEqual({
      oldStart: 10,
      oldLines: 4,
      newStart: 10,
      newLines: 5,
      header: "export function load(path: string) {",
      lines: [
        { kind: "context", text: "  const raw = read(path);", oldLine: 10, newLine: 10 },
        { kind: "del", text: "  const data = JSON.parse(raw);", oldLine: 11 },
        { kind: "add", text: "  const data = parse(raw);", newLine: 11 },
        { kind: "add", text: "  validate(data);", newLine: 12 },
        { kind: "context", text: "  return data;", oldLine: 12, newLine: 13 },
        { kind: "context", text: "}", oldLine: 13, newLine: 14 },
      ],
    });
    expect(newEnd(hunk!)).toBe(14);
    expect(oldEnd(hunk!)).toBe(13);
  });

  it("reads several hunks, omitted counts (1) and headers without text", () => {
    const patch = "@@ -1 +1 @@\n-a\n+b\n@@ -20,2 +20,3 @@\n x\n+y\n z\n";
    const hunks = parsePatch(patch);
    expect(hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines, h.header])).toEqual([
      [1, 1, 1, 1, ""],
      [20, 2, 20, 3, ""],
    ]);
    expect(hunks[1]!.lines.map((l) => l.newLine)).toEqual([20, 21, 22]);
  });

  it("reads a new file and a deleted file", () => {
    const added = parsePatch("@@ -0,0 +1,2 @@\n+one\n+two");
    expect(added[0]).toMatchObject({ oldStart: 0, oldLines: 0, newStart: 1, newLines: 2 });
    expect(added[0]!.lines.map((l) => [l.kind, l.newLine])).toEqual([
      ["add", 1],
      ["add", 2],
    ]);
    const removed = parsePatch("@@ -1,2 +0,0 @@\n-one\n-two");
    expect(removed[0]).toMatchObject({ newStart: 0, newLines: 0 });
    expect(removed[0]!.lines.every((l) => l.kind === "del" && l.newLine === undefined)).toBe(true);
    expect(newEnd(removed[0]!)).toBe(-1);
  });

  it("skips the no-newline marker, wherever it stands", () => {
    const patch = "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n\\ No newline at end of file";
    expect(parsePatch(patch)[0]!.lines.map((l) => `${l.kind}:${l.text}`)).toEqual([
      "context:a",
      "del:b",
      "add:b",
    ]);
  });

  it("takes an empty row inside a hunk for a blank context line, and strips CR", () => {
    const hunks = parsePatch("@@ -1,3 +1,3 @@\r\n a\r\n\r\n-b\r\n+c\r\n");
    expect(hunks[0]!.lines).toEqual([
      { kind: "context", text: "a", oldLine: 1, newLine: 1 },
      { kind: "context", text: "", oldLine: 2, newLine: 2 },
      { kind: "del", text: "b", oldLine: 3 },
      { kind: "add", text: "c", newLine: 3 },
    ]);
  });

  it("keeps lines that look like headers or markers inside a hunk as text", () => {
    const hunks = parsePatch("@@ -1,1 +1,2 @@\n-@@ not a header @@\n+--- a/x\n++++ b/y");
    expect(hunks).toHaveLength(1);
    expect(hunks[0]!.lines.map((l) => l.text)).toEqual(["@@ not a header @@", "--- a/x", "+++ b/y"]);
  });

  it("returns no hunks for an empty patch", () => {
    expect(parsePatch("")).toEqual([]);
  });

  it("rejects patches whose lines disagree with the counts", () => {
    expect(() => parsePatch("diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b")).toThrow(PatchParseError);
    expect(() => parsePatch("@@ -1,2 +1,2 @@\n a\n-b")).toThrow(/short of its last hunk/);
    expect(() => parsePatch("@@ -1 +1 @@\n-a\n+b\n+c")).toThrow(PatchParseError);
    expect(() => parsePatch("@@ -1 +1,2 @@\n-a\n-b\n+c")).toThrow(/does not fit/);
  });
});
