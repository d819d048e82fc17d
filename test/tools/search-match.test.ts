import { describe, expect, it } from "vitest";
import {
  compileGlob,
  compileRegex,
  createSlicer,
  PatternError,
  TooExpensiveError,
} from "../../src/tools/search-match.js";

describe("compileGlob", () => {
  const cases: [string, string[], string[]][] = [
    ["**/*.ts", ["a.ts", "src/a.ts", "src/lib/b.ts", ".github/x.ts"], ["a.tsx", "src/a.js"]],
    ["src/**/*.py", ["src/a.py", "src/x/y/b.py"], ["a.py", "lib/src/a.py"]],
    ["*.md", ["README.md"], ["docs/a.md", "a.mdx"]],
    ["src/*", ["src/a"], ["src/a/b", "src"]],
    ["a/**", ["a/b", "a/b/c"], ["b/a/c"]],
    ["**", ["a", "a/b/c"], []],
    ["{src,test}/*.{ts,js}", ["src/a.ts", "test/b.js"], ["lib/a.ts", "src/a.md"]],
    ["file?.txt", ["file1.txt"], ["file.txt", "file/.txt", "file12.txt"]],
    ["[!a]*", ["b", "cde"], ["a", "abc", "/x"]],
    ["[a-c]x", ["ax", "cx"], ["dx"]],
    ["[\\d]", ["d"], ["1"]],
    ["a\\*b", ["a*b"], ["axb"]],
    ["a.b+(c)$", ["a.b+(c)$"], ["axb+(c)$", "a.bb(c)$"]],
    ["[abc", ["[abc"], ["a"]],
    ["!*.md", ["a.ts"], ["a.md"]],
  ];
  it.each(cases)("%s", (glob, yes, no) => {
    const test = compileGlob(glob, { basename: false });
    for (const path of yes) expect(test(path), `${glob} should match ${path}`).toBe(true);
    for (const path of no) expect(test(path), `${glob} should not match ${path}`).toBe(false);
  });

  it("matches a glob without a slash against the file name at any depth with basename", () => {
    const test = compileGlob("*.md", { basename: true });
    expect(["a.md", "docs/deep/a.md"].map(test)).toEqual([true, true]);
    expect(compileGlob("docs/*.md", { basename: true })("x/docs/a.md")).toBe(false);
  });

  it("refuses an unclosed brace and a reversed range", () => {
    expect(() => compileGlob("{a,b", { basename: false })).toThrow(PatternError);
    expect(() => compileGlob("[z-a]", { basename: false })).toThrow(PatternError);
  });
});

describe("compileRegex", () => {
  it("takes RE2 syntax and refuses backreferences and look-around", () => {
    expect(compileRegex("(?P<w>retry)\\s+\\d", false)("retry 3")).toBe(true);
    expect(compileRegex("RETRY", true)("retry")).toBe(true);
    expect(() => compileRegex("(a)\\1", false)).toThrow(/RE2 syntax/);
    expect(() => compileRegex("(?<!a)b", false)).toThrow(/RE2 syntax/);
  });
});

describe("createSlicer", () => {
  it("returns what the job returns and interrupts a job that runs past its limit", () => {
    const slice = createSlicer(50);
    expect(slice(() => 42)).toBe(42);
    expect(() =>
      slice(() => {
        for (;;) {
          // spins until V8 interrupts it
        }
      }),
    ).toThrow(TooExpensiveError);
    expect(slice(() => "still usable")).toBe("still usable");
  });
});
