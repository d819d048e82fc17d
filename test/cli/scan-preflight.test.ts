import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoTopOrCwd } from "../../src/cli/scan-preflight.js";
import { commit, git, tempDir, tempRepo } from "../helpers/temp-repo.js";

describe("repoTopOrCwd", () => {
  it("finds a repository's top from a subfolder without git, as git would", async () => {
    const repo = tempRepo();
    mkdirSync(join(repo, "a/b"), { recursive: true });
    expect(realpathSync(await repoTopOrCwd(join(repo, "a/b")))).toBe(
      realpathSync(git(join(repo, "a/b"), ["rev-parse", "--show-toplevel"]).trim()),
    );
    // With no git to start, the answer is the same: none was started.
    const path = process.env["PATH"];
    process.env["PATH"] = tempDir();
    try {
      expect(await repoTopOrCwd(join(repo, "a/b"))).toBe(repo);
    } finally {
      process.env["PATH"] = path;
    }
  });

  it("asks git inside a .git folder, where there is no work tree, and keeps the folder", async () => {
    const repo = tempRepo();
    const hooks = join(repo, ".git", "hooks");
    mkdirSync(hooks, { recursive: true });
    expect(await repoTopOrCwd(hooks)).toBe(hooks);
  });

  it("asks git for a worktree, whose .git is a file", async () => {
    const repo = tempRepo();
    commit(repo, { "a.txt": "a\n" }, "first");
    const worktree = join(tempDir(), "wt");
    git(repo, ["worktree", "add", "-q", worktree]);
    mkdirSync(join(worktree, "sub"));
    expect(realpathSync(await repoTopOrCwd(join(worktree, "sub")))).toBe(realpathSync(worktree));
  });

  it("asks git past a .git folder planted to move the repository's top (and its config) to a subfolder", async () => {
    const repo = tempRepo();
    const planted = join(repo, "vendor", "x");
    mkdirSync(join(planted, ".git"), { recursive: true });
    writeFileSync(join(planted, ".git", "HEAD"), "ref: refs/heads/main\n");
    // git does not take a folder holding only HEAD for a repository: the top stays the real one.
    expect(realpathSync(await repoTopOrCwd(planted))).toBe(realpathSync(repo));
  });

  it("keeps the folder outside a repository", async () => {
    const dir = tempDir();
    expect(await repoTopOrCwd(dir)).toBe(dir);
  });
});
