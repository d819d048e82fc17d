import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertWritable, resolveInside } from "../../src/tools/paths.js";

function setup(): { root: string; outside: string } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "pw-paths-")));
  const root = join(base, "repo");
  const outside = join(base, "outside");
  mkdirSync(join(root, "src"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.txt"), "secret");
  return { root, outside };
}

describe("resolveInside", () => {
  it("accepts relative and absolute paths inside the root, existing or not", () => {
    const { root } = setup();
    expect(resolveInside(root, "src/a.ts")).toBe(join(root, "src/a.ts"));
    expect(resolveInside(root, join(root, "src"))).toBe(join(root, "src"));
    expect(resolveInside(root, "src/../new/deep/file.ts")).toBe(join(root, "new/deep/file.ts"));
  });

  it("refuses traversal and absolute paths outside", () => {
    const { root, outside } = setup();
    expect(() => resolveInside(root, "../outside/secret.txt")).toThrow(/outside the repository/);
    expect(() => resolveInside(root, "src/../../x")).toThrow(/outside the repository/);
    expect(() => resolveInside(root, join(outside, "secret.txt"))).toThrow(/outside the repository/);
    expect(() => resolveInside(root, "/etc/passwd")).toThrow(/outside the repository/);
    expect(() => resolveInside(root, "")).toThrow(/empty/);
  });

  it("follows symlinks, also dangling ones and those in missing parents", () => {
    const { root, outside } = setup();
    symlinkSync(outside, join(root, "link"));
    symlinkSync(join(outside, "not-yet.txt"), join(root, "dangling"));
    symlinkSync(join(root, "src"), join(root, "inner"));
    expect(() => resolveInside(root, "link/secret.txt")).toThrow(/outside/);
    expect(() => resolveInside(root, "link/new/file.txt")).toThrow(/outside/);
    expect(() => resolveInside(root, "dangling")).toThrow(/outside/);
    expect(resolveInside(root, "inner/a.ts")).toBe(join(root, "src/a.ts"));
  });
});

describe("assertWritable", () => {
  it("refuses anything under .git, at any depth", () => {
    const { root } = setup();
    expect(() => assertWritable(root, join(root, ".git/config"))).toThrow(/\.git/);
    expect(() => assertWritable(root, join(root, "vendor/sub/.git"))).toThrow(/\.git/);
    expect(() => assertWritable(root, join(root, "src/.git/hooks/pre-commit"))).toThrow(/\.git/);
    expect(() => assertWritable(root, join(root, ".gitignore"))).not.toThrow();
    expect(() => assertWritable(root, join(root, ".github/x.yml"))).not.toThrow();
  });
});
