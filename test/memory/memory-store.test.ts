import { describe, expect, it } from "vitest";
import { withCrc32Suffix } from "../../src/guard/checksum.js";
import { GuardConfig } from "../../src/guard/config.js";
import {
  BranchMemoryStore,
  MEMORY_BRANCH,
  MemoryConflictError,
  MemoryError,
  toBranchPath,
} from "../../src/memory/memory-store.js";
import { git, tempRepo, writeFiles } from "../helpers/temp-repo.js";

const AUTHOR = { name: "patchwright", email: "patchwright@example.com" };
const guard = GuardConfig.parse({});

function storeFor(repo: string): BranchMemoryStore {
  return new BranchMemoryStore({ repoDir: repo, guard });
}

function snapshot(repo: string): { head: string; status: string; branch: string } {
  return {
    head: git(repo, ["rev-parse", "HEAD"]).trim(),
    status: git(repo, ["status", "--porcelain", "--ignored"]),
    branch: git(repo, ["symbolic-ref", "HEAD"]).trim(),
  };
}

function branchFiles(repo: string): string[] {
  return git(repo, ["ls-tree", "-r", "--name-only", MEMORY_BRANCH]).trim().split("\n").filter(Boolean);
}

describe("toBranchPath", () => {
  it("maps /memories paths to branch paths", () => {
    expect(toBranchPath("/memories")).toBe("");
    expect(toBranchPath("/memories/")).toBe("");
    expect(toBranchPath("/memories/build.md")).toBe("build.md");
    expect(toBranchPath("/memories/ci/flaky.md")).toBe("ci/flaky.md");
  });

  it.each([
    "/etc/passwd",
    "memories/x.md",
    "x.md",
    "/memoriesx/a.md",
    "/memories/../x.md",
    "/memories/a/../../x.md",
    "/memories/./x.md",
    "/memories/%2e%2e/x.md",
    "/memories/a//b.md",
    "/memories/.git/config",
    "/memories/a\\..\\b.md",
    "/memories/a\u0000.md",
    "/tmp/../memories/x.md",
  ])("refuses %j", (path) => {
    expect(() => toBranchPath(path)).toThrow(MemoryError);
  });
});

describe("BranchMemoryStore", () => {
  it("creates the branch as an orphan on the first commit, appends later, and never touches the checkout", async () => {
    const repo = tempRepo({ "README.md": "# demo\n", "src/a.ts": "export {};\n" });
    writeFiles(repo, { "scratch.txt": "untracked\n" });
    git(repo, ["add", "scratch.txt"]);
    const before = snapshot(repo);
    const index = git(repo, ["ls-files", "--stage"]);

    const store = storeFor(repo);
    expect(await store.baseCommitId()).toBeNull();
    expect(await store.notesIndex()).toMatch(/No memory notes yet/);
    await store.write("build.md", "# Build\n\nRun npm ci first.\n");
    await store.write("ci/flaky.md", "Flaky: test/x.test.ts\n");

    const first = await store.commit("Remember the build", AUTHOR);
    expect(first).toMatchObject({ status: "committed", created: true, branch: MEMORY_BRANCH });
    if (first.status !== "committed") throw new Error("not committed");
    expect(first.changed).toEqual(["/memories/build.md", "/memories/ci/flaky.md"]);
    expect(git(repo, ["rev-parse", MEMORY_BRANCH]).trim()).toBe(first.commit);
    // An orphan: no parent, nothing shared with main.
    expect(git(repo, ["rev-list", "--parents", "-n", "1", MEMORY_BRANCH]).trim()).toBe(first.commit);
    expect(branchFiles(repo)).toEqual(["build.md", "ci/flaky.md"]);
    expect(git(repo, ["show", `${MEMORY_BRANCH}:build.md`])).toBe("# Build\n\nRun npm ci first.\n");
    expect(git(repo, ["log", "-1", "--format=%an <%ae>|%s", MEMORY_BRANCH]).trim()).toBe(
      "patchwright <patchwright@example.com>|Remember the build",
    );

    // Unchanged: nothing to commit.
    expect(await store.commit("again", AUTHOR)).toEqual({ status: "unchanged" });

    // A second run reads the branch and appends one commit.
    const next = storeFor(repo);
    expect(await next.read("build.md")).toBe("# Build\n\nRun npm ci first.\n");
    expect(await next.notesIndex()).toBe(
      [
        `Memory notes (branch ${MEMORY_BRANCH}); read them with the memory tool:`,
        "- /memories/build.md — # Build",
        "- /memories/ci/flaky.md — Flaky: test/x.test.ts",
      ].join("\n"),
    );
    await next.remove("ci");
    await next.rename("build.md", "tooling/build.md");
    await next.write("style.md", "Use 2 spaces.\n");
    const second = await next.commit("Tidy notes", AUTHOR);
    expect(second).toMatchObject({ status: "committed", created: false });
    if (second.status !== "committed") throw new Error("not committed");
    expect(second.changed).toEqual([
      "/memories/build.md",
      "/memories/ci/flaky.md",
      "/memories/style.md",
      "/memories/tooling/build.md",
    ]);
    expect(git(repo, ["rev-parse", `${MEMORY_BRANCH}^`]).trim()).toBe(first.commit);
    expect(git(repo, ["rev-list", "--count", MEMORY_BRANCH]).trim()).toBe("2");
    expect(branchFiles(repo)).toEqual(["style.md", "tooling/build.md"]);

    // The checkout, its index and main are exactly as they were.
    expect(snapshot(repo)).toEqual(before);
    expect(git(repo, ["ls-files", "--stage"])).toBe(index);
    expect(git(repo, ["rev-list", "--count", "main"]).trim()).toBe("1");
  });

  it("leaves the working tree clean (git status --porcelain empty)", async () => {
    const repo = tempRepo();
    const store = storeFor(repo);
    await store.write("a.md", "note\n");
    await store.commit("note", AUTHOR);
    expect(git(repo, ["status", "--porcelain"])).toBe("");
    expect(git(repo, ["symbolic-ref", "--short", "HEAD"]).trim()).toBe("main");
  });

  it("works from a linked worktree of the repository", async () => {
    const repo = tempRepo();
    const worktree = `${repo}-wt`;
    git(repo, ["worktree", "add", "-q", "-b", "run", worktree]);
    try {
      const store = storeFor(worktree);
      await store.write("a.md", "from the worktree\n");
      expect(await store.commit("note", AUTHOR)).toMatchObject({ status: "committed", created: true });
      expect(git(repo, ["show", `${MEMORY_BRANCH}:a.md`])).toBe("from the worktree\n");
      expect(git(worktree, ["status", "--porcelain"])).toBe("");
    } finally {
      git(repo, ["worktree", "remove", "--force", worktree]);
    }
  });

  it("keeps files a person put on the branch, whatever their names", async () => {
    const repo = tempRepo();
    const store = storeFor(repo);
    await store.write("a.md", "a\n");
    await store.commit("a", AUTHOR);
    // A person adds a non-Markdown file through an ordinary checkout elsewhere: simulate with plumbing.
    const other = tempRepo();
    git(other, ["fetch", "-q", repo, `${MEMORY_BRANCH}:${MEMORY_BRANCH}`]);
    git(other, ["checkout", "-q", MEMORY_BRANCH]);
    writeFiles(other, { README: "hand-written\n" });
    git(other, ["add", "-A"]);
    git(other, ["commit", "-q", "-m", "by hand"]);
    git(repo, ["fetch", "-q", other, `+${MEMORY_BRANCH}:${MEMORY_BRANCH}`]);

    const next = storeFor(repo);
    await next.write("b.md", "b\n");
    expect(await next.commit("b", AUTHOR)).toMatchObject({ status: "committed" });
    expect(branchFiles(repo)).toEqual(["README", "a.md", "b.md"]);
  });

  it("blocks a note holding a secret-looking value: nothing written, the rule named, the value redacted", async () => {
    const repo = tempRepo();
    const token = withCrc32Suffix("ghp_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5");
    const store = storeFor(repo);
    await store.write("ok.md", "harmless\n");
    await store.write("creds.md", `# Access\n\ntoken: ${token}\n`);
    const objectsBefore = git(repo, ["count-objects", "-v"]);

    const result = await store.commit("notes", AUTHOR);
    expect(result.status).toBe("blocked");
    if (result.status !== "blocked") throw new Error("not blocked");
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ path: "/memories/creds.md", line: 3 });
    expect(result.findings[0]?.ruleId).toMatch(/github/i);
    expect(result.message).toContain(result.findings[0]!.ruleId);
    expect(JSON.stringify(result)).not.toContain(token);
    expect(() => git(repo, ["rev-parse", "--verify", "--quiet", MEMORY_BRANCH])).toThrow();
    expect(git(repo, ["count-objects", "-v"])).toBe(objectsBefore);

    // Fixing the note lets the commit through.
    await store.write("creds.md", "# Access\n\nThe token is in the CI secrets.\n");
    expect(await store.commit("notes", AUTHOR)).toMatchObject({ status: "committed" });
  });

  it("detects a concurrent update of the branch between read and commit, and loses nothing", async () => {
    const repo = tempRepo();
    const first = storeFor(repo);
    await first.write("a.md", "one\n");
    await first.commit("one", AUTHOR);

    const mine = storeFor(repo);
    expect(await mine.read("a.md")).toBe("one\n");
    // Someone else commits to the branch meanwhile.
    const theirs = storeFor(repo);
    await theirs.write("b.md", "theirs\n");
    const other = await theirs.commit("theirs", AUTHOR);
    if (other.status !== "committed") throw new Error("not committed");

    await mine.write("a.md", "mine\n");
    const error = await mine.commit("mine", AUTHOR).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryConflictError);
    expect((error as MemoryConflictError).message).toMatch(/updated by someone else.*Nothing was committed/);
    expect((error as MemoryConflictError).actual).toBe(other.commit);
    expect((error as MemoryConflictError).pending).toEqual(["/memories/a.md"]);
    expect(git(repo, ["rev-parse", MEMORY_BRANCH]).trim()).toBe(other.commit);
    // The change is still held by the store.
    expect(await mine.read("a.md")).toBe("mine\n");
    expect(await mine.pendingPaths()).toEqual(["a.md"]);
  });

  it("detects a branch created by someone else after a run found none", async () => {
    const repo = tempRepo();
    const mine = storeFor(repo);
    await mine.write("a.md", "mine\n");
    const theirs = storeFor(repo);
    await theirs.write("b.md", "theirs\n");
    await theirs.commit("theirs", AUTHOR);
    await expect(mine.commit("mine", AUTHOR)).rejects.toBeInstanceOf(MemoryConflictError);
    expect(branchFiles(repo)).toEqual(["b.md"]);
  });

  it("commits only real changes: rewriting a note with the same text is not a change", async () => {
    const repo = tempRepo();
    const first = storeFor(repo);
    await first.write("a.md", "same\n");
    await first.commit("a", AUTHOR);

    const next = storeFor(repo);
    await next.write("a.md", "same\n");
    expect(await next.pendingPaths()).toEqual([]);
    expect(await next.commit("noop", AUTHOR)).toEqual({ status: "unchanged" });
    await next.write("b.md", "new\n");
    const result = await next.commit("b", AUTHOR);
    expect(result).toMatchObject({ status: "committed", changed: ["/memories/b.md"] });
    expect(branchFiles(repo)).toEqual(["a.md", "b.md"]);
    expect(git(repo, ["show", `${MEMORY_BRANCH}:a.md`])).toBe("same\n");
  });

  it("refuses non-Markdown notes, files over directories and moves onto existing paths", async () => {
    const repo = tempRepo();
    const store = storeFor(repo);
    await expect(store.write("notes.txt", "x")).rejects.toThrow(/Markdown/);
    await store.write("a.md", "a\n");
    await store.write("dir/b.md", "b\n");
    await expect(store.write("a.md/c.md", "c\n")).rejects.toThrow(/is a file/);
    await expect(store.rename("a.md", "dir/b.md")).rejects.toThrow(/already exists/);
    await expect(store.rename("dir", "dir/inner")).rejects.toThrow(/already exists|inside itself/);
    await expect(store.remove("")).rejects.toThrow(/cannot be deleted/);
    await expect(store.remove("nope.md")).rejects.toThrow(/does not exist/);
    await expect(store.write("big.md", "x".repeat(100_001))).rejects.toThrow(/limit/);
  });
});
