import { describe, expect, it } from "vitest";
import type { Block } from "../../src/guard/block.js";
import { DiffBlocks } from "../../src/guard/sources/diff-blocks.js";

function parse(diff: string): { blocks: Block[]; paths: string[] } {
  const blocks: Block[] = [];
  const paths: string[] = [];
  const d = new DiffBlocks(
    "file",
    (b) => blocks.push(b),
    (p) => paths.push(p),
  );
  d.startCommit("c0ffee");
  for (const line of diff.split("\n")) d.line(line);
  d.flush();
  return { blocks, paths };
}

describe("DiffBlocks", () => {
  it("collects added lines with their new-file line numbers", () => {
    const { blocks, paths } = parse(
      [
        "diff --git a/src/a.ts b/src/a.ts",
        "index 1..2 100644",
        "--- a/src/a.ts",
        "+++ b/src/a.ts",
        "@@ -3 +3,2 @@",
        "-old",
        "+new three",
        "+++ looks like a header but is added",
        "@@ -20,0 +21 @@ function x() {",
        "+twenty-one",
        "diff --git a/gone.ts b/gone.ts",
        "deleted file mode 100644",
        "--- a/gone.ts",
        "+++ /dev/null",
        "@@ -1 +0,0 @@",
        "-bye",
      ].join("\n"),
    );
    expect(paths).toEqual(["src/a.ts"]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ path: "src/a.ts", commit: "c0ffee", firstLine: 3 });
    expect(blocks[0]!.text).toBe("new three\n++ looks like a header but is added\ntwenty-one");
    expect(blocks[0]!.lineNumbers).toEqual([3, 4, 21]);
  });

  it("reads quoted paths and binary files", () => {
    const { blocks, paths } = parse(
      [
        'diff --git "a/dir/t\\303\\251st\\tx.txt" "b/dir/t\\303\\251st\\tx.txt"',
        "new file mode 100644",
        "--- /dev/null",
        '+++ "b/dir/t\\303\\251st\\tx.txt"',
        "@@ -0,0 +1 @@",
        "+hello",
        "diff --git a/keys/prod.p12 b/keys/prod.p12",
        "new file mode 100644",
        "Binary files /dev/null and b/keys/prod.p12 differ",
      ].join("\n"),
    );
    expect(paths).toEqual(["dir/tést\tx.txt", "keys/prod.p12"]);
    expect(blocks.map((b) => b.path)).toEqual(["dir/tést\tx.txt"]);
  });
});
