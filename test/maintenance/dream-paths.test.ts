import { describe, expect, it } from "vitest";
import { namedPaths, staleNotes, treePaths } from "../../src/maintenance/dream-paths.js";

describe("the paths a memory note names", () => {
  it("takes relative paths in backticks or with an extension, not words, URLs or absolute paths", () => {
    const text =
      "Tests live in `test/unit/` and src/app.ts, and/or see https://example.com/a/b.ts, " +
      "/usr/bin/node and `./lib/old.js`. Run `npm test`; docs/guide.md.";
    expect(namedPaths(text)).toEqual(["docs/guide.md", "lib/old.js", "src/app.ts", "test/unit"]);
  });

  it("refuses parent segments", () => {
    expect(namedPaths("see `../secrets/x.txt` and a/../b.md")).toEqual([]);
  });
});

describe("stale notes", () => {
  const tree = treePaths(["src/app.ts", "docs/guide.md"]);

  it("knows the folders above every file", () => {
    expect([...tree].sort()).toEqual(["docs", "docs/guide.md", "src", "src/app.ts"]);
  });

  it("removes a note whose every named path is gone, and leaves a partly stale one to the model", () => {
    const notes = [
      { path: "gone.md", text: "The client is `lib/client.js`." },
      { path: "partly.md", text: "See `src/app.ts` and `src/old.ts`." },
      { path: "fine.md", text: "Guide: docs/guide.md, code under `src/`." },
      { path: "none.md", text: "Use two spaces." },
    ];
    expect(staleNotes(notes, tree)).toEqual({
      stale: [{ path: "gone.md", gone: ["lib/client.js"] }],
      partly: [{ path: "partly.md", gone: ["src/old.ts"] }],
    });
  });
});
