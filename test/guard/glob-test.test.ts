import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { globTest } from "../../src/guard/glob-test.js";
import { ALL_RULES } from "../../src/guard/rules/index.js";
import { ENV_FILE, KEY_STORE_FILE } from "../../src/guard/rules/packaging.js";

const PATHS = [
  "",
  ".env",
  ".env.production",
  "app/.env.local",
  ".env.example",
  "config/.env.sample",
  "keys/release.jks",
  "deploy/id_rsa",
  ".npmrc",
  "docs/a[b].md",
  "a[b].md",
  "a+(b).md",
  "src/main.ts",
  "test/fixtures/token.txt",
  "node_modules/x/index.js",
  ".github/workflows/ci.yml",
  "deep/.hidden/dir/file.pem",
  "Dockerfile",
  "settings.py",
  "x/y/z/secrets.yaml",
];

describe("globTest", () => {
  it("answers what picomatch answers, ignore lists included, for every glob set the guard uses", () => {
    const sets: [readonly string[], readonly string[]][] = [
      [KEY_STORE_FILE.globs, []],
      [ENV_FILE.globs, ENV_FILE.notGlobs],
      [["a[b].md", "a+(b).md", "**/*.md"], ["docs/**"]],
      ...ALL_RULES.flatMap((r): [readonly string[], readonly string[]][] => [
        ...(r.paths?.length ? [[r.paths, []] as [readonly string[], readonly string[]]] : []),
        ...(r.notPaths?.length ? [[r.notPaths, []] as [readonly string[], readonly string[]]] : []),
      ]),
    ];
    expect(sets.length).toBeGreaterThan(3);
    for (const [globs, ignore] of sets) {
      const ours = globTest(globs, ignore);
      const theirs = picomatch([...globs], { dot: true, ...(ignore.length ? { ignore: [...ignore] } : {}) });
      for (const path of PATHS) expect(ours(path), `${globs.join(",")} / ${path}`).toBe(theirs(path));
    }
  });

  it("matches a path equal to a glob as written, special characters and all", () => {
    // The extglob's own pattern does not match its text: only the equality does, as in picomatch.
    expect(globTest(["a+(b).md"])("a+(b).md")).toBe(true);
    expect(globTest(["a+(b).md"])("abb.md")).toBe(true);
    expect(globTest(["*.md"], ["a*.md"])("ab.md")).toBe(false);
    expect(globTest(["*.md"])("")).toBe(false);
  });
});
