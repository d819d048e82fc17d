import { describe, expect, it } from "vitest";
import type { PostedFinding } from "../../../src/review/post/post-review.js";
import { commentedCode, looksFixed } from "../../../src/review/post/looks-fixed.js";

function posted(overrides: Partial<PostedFinding>): PostedFinding {
  return {
    fingerprint: "0000000000000001",
    commentId: 1,
    path: "src/a.ts",
    line: 4,
    startLine: null,
    originalLine: 4,
    originalStartLine: null,
    body: "🟠 **Major** · _bug_\n\n**Reads after close**\n\nExplanation.",
    diffHunk: "@@ -1,3 +1,4 @@\n function f() {\n-  old();\n+  stream.close();\n+  stream.read();",
    url: "https://github.com/o/r/pull/1#discussion_r1",
    ...overrides,
  };
}

const file = "function f() {\n  stream.close();\n  stream.read();\n}\n";

describe("commentedCode", () => {
  it("takes the commented lines from the end of the diff hunk, new side only", () => {
    expect(commentedCode(posted({}))).toBe("  stream.read();");
    expect(commentedCode(posted({ line: null, originalStartLine: 3 }))).toBe(
      "  stream.close();\n  stream.read();",
    );
  });
});

describe("looksFixed", () => {
  const read = (files: Record<string, string>) => (path: string) => Promise.resolve(files[path]);

  it("says a finding looks fixed when its code changed or its file is gone", async () => {
    const changed = await looksFixed(
      [posted({})],
      read({ "src/a.ts": file.replace("read()", "readAll()") }),
      new Set(),
    );
    expect(changed).toEqual([
      {
        fingerprint: "0000000000000001",
        path: "src/a.ts",
        title: "Reads after close",
        url: "https://github.com/o/r/pull/1#discussion_r1",
        why: "code changed",
      },
    ]);
    expect((await looksFixed([posted({})], read({}), new Set()))[0]?.why).toBe("file gone");
  });

  it("does not when the code is still there, even moved or re-indented", async () => {
    const moved = `// new header\n\n${file.replace(/^ {2}/gm, "    ")}`;
    expect(await looksFixed([posted({})], read({ "src/a.ts": moved }), new Set())).toEqual([]);
  });

  it("does not when this run found the same finding again, or the code is too plain to tell", async () => {
    const gone = read({ "src/a.ts": "" });
    expect(await looksFixed([posted({})], gone, new Set(["0000000000000001"]))).toEqual([]);
    expect(await looksFixed([posted({ diffHunk: "@@ -1 +1,2 @@\n+x\n+}" })], gone, new Set())).toEqual([]);
  });
});
