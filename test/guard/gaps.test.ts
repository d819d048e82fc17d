import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import { formatText } from "../../src/guard/format/format-text.js";
import { scan } from "../../src/guard/scan.js";
import { ScanError } from "../../src/guard/scan-error.js";
import { MEMORY_BRANCH } from "../../src/memory/memory-store.js";
import { guardedPush } from "../../src/workspace/guarded-push.js";
import { pushRequest } from "../helpers/push-request.js";
import { commit, git, remoteAndClone, tempDir, tempRepo, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

// Each test is one way a secret could leave without any rule seeing it whole: the attack first.
const rand = prng(1603);
const config = GuardConfig.parse({});
const head = (repo: string): string => git(repo, ["rev-parse", "HEAD"]).trim();

describe("no silent gaps: git metadata", () => {
  it("finds a token in an annotated tag's message, a tag's name and a note, on commits of the range", async () => {
    const repo = tempRepo();
    const base = head(repo);
    const sha = commit(repo, { "a.txt": "one\n" }, "a change");
    const [inMessage, inName, inNote, inOtherNotes] = [1, 2, 3, 4].map(() => githubToken(rand));
    git(repo, ["tag", "-a", "v1.0.0", "-m", `Release\n\nDeploy with ${inMessage!}`]);
    git(repo, ["tag", `release.${inName!}`]);
    git(repo, ["notes", "add", "-m", `reviewed; token ${inNote!}`, sha]);
    git(repo, ["notes", "--ref=refs/notes/ci", "add", "-m", `ci ${inOtherNotes!}`, sha]);
    // Tags and notes on commits outside the range are not this range's.
    git(repo, ["notes", "add", "-m", `old ${githubToken(rand)}`, base]);

    const report = await scan({ mode: "git", range: `${base}..${sha}` }, { cwd: repo, config });
    const found = report.findings.map((f) => [f.where, f.line, f.commit]);
    expect(found).toEqual(
      expect.arrayContaining([
        ["tag", 4, sha],
        ["tag", 1, sha],
        ["note", 1, sha],
        ["note", 1, sha],
      ]),
    );
    expect(found).toHaveLength(4);
    const text = formatText(report, { color: false });
    expect(text).toContain("tag message:3:");
    expect(text).toContain("tag name");
    expect(text).toContain("git note:1:");
    for (const t of [inMessage, inName, inNote, inOtherNotes]) expect(text).not.toContain(t!.slice(4));
  });

  it("finds a token in a file's name, in a folder scan and in a range", async () => {
    const repo = tempRepo();
    const base = head(repo);
    const token = githubToken(rand);
    const sha = commit(repo, { [`keys/${token}.txt`]: "nothing\n" }, "add");
    const tree = await scan({ mode: "paths", paths: ["."] }, { cwd: repo, config });
    expect(tree.findings.map((f) => [f.ruleId, f.path])).toEqual([
      ["github-pat-classic", `keys/${token}.txt`],
    ]);
    const range = await scan({ mode: "git", range: `${base}..${sha}` }, { cwd: repo, config });
    expect(range.findings.map((f) => f.ruleId)).toEqual(["github-pat-classic"]);
  });

  it("finds a token that is a symbolic link's target, in a range and in a push", async () => {
    const repo = tempRepo();
    const base = head(repo);
    const token = githubToken(rand);
    symlinkSync(`/run/secrets/${token}`, join(repo, "current"));
    git(repo, ["add", "-A"]);
    git(repo, ["commit", "-q", "-m", "link"]);
    const sha = head(repo);
    const range = await scan({ mode: "git", range: `${base}..${sha}` }, { cwd: repo, config });
    expect(range.findings.map((f) => [f.ruleId, f.path])).toEqual([["github-pat-classic", "current"]]);
    const push = await scan({ mode: "push", tip: sha, base, branch: "b" }, { cwd: repo, config });
    expect(push.findings.map((f) => [f.ruleId, f.path])).toEqual([["github-pat-classic", "current"]]);
  });
});

describe("no silent gaps: size", () => {
  it("finds a token straddling the cut of a line longer than a block, once", async () => {
    const dir = tempDir();
    const token = githubToken(rand);
    // Blocks of a file with no line end are cut at 8 MiB (two 4 MiB reads); the token spans that cut.
    const cut = 8 * 1024 * 1024;
    const before = "x=1;".repeat((cut - 20) / 4);
    writeFileSync(join(dir, "bundle.js"), `${before}${token};${"y=2;".repeat(300_000)}`);
    const report = await scan({ mode: "paths", paths: ["."] }, { cwd: dir, config });
    expect(report.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([
      ["github-pat-classic", 1, before.length + 1],
    ]);
  });

  it("scans a file far over the push's object cap in a folder scan, to its last byte", async () => {
    const dir = tempDir();
    const token = githubToken(rand);
    writeFileSync(join(dir, "dump.sql"), `${"INSERT INTO t VALUES (1);\n".repeat(1_400_000)}-- ${token}\n`);
    const report = await scan({ mode: "paths", paths: ["."] }, { cwd: dir, config });
    expect(report.findings.map((f) => [f.path, f.line])).toEqual([["dump.sql", 1_400_001]]);
  });

  it("refuses a push holding an object over the cap, naming it, instead of pushing it unscanned", async () => {
    const repo = tempRepo();
    const base = head(repo);
    writeFiles(repo, { "big.bin": Buffer.alloc(33 * 1024 * 1024, 0x61) });
    git(repo, ["add", "-A"]);
    git(repo, ["commit", "-q", "-m", "big"]);
    const target = { mode: "push" as const, tip: head(repo), base, branch: "b" };
    const error = await scan(target, { cwd: repo, config }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanError);
    expect((error as Error).message).toMatch(/more than the 33554432 the guard scans/);
  });
});

describe("no silent gaps: the memory branch", () => {
  it("refuses to push memory notes holding an encoded (glued to a word, too) or split token", async () => {
    const token = githubToken(rand);
    const notes = {
      encoded: `# CI\n\nThe deploy header is Basic ${Buffer.from(`x:${token}`).toString("base64")}\n`,
      split: `# CI\n\n\`\`\`js\nconst t = "${token.slice(0, 10)}" +\n  "${token.slice(10)}";\n\`\`\`\n`,
      // Glued to a word of 3 base64 characters: decoded from the word's start, it would be noise.
      glued: `# CI\n\nref_abc${Buffer.from(token).toString("base64")}\n`,
    };
    for (const [name, note] of Object.entries(notes)) {
      const s = remoteAndClone();
      git(s.work, ["checkout", "-q", "--orphan", MEMORY_BRANCH]);
      git(s.work, ["rm", "-q", "-r", "--cached", "."]);
      writeFiles(s.work, { "ci.md": note });
      git(s.work, ["add", "ci.md"]);
      git(s.work, ["commit", "-q", "-m", "memory"]);
      const result = await guardedPush(pushRequest(s, { branch: MEMORY_BRANCH }));
      expect(result, name).toMatchObject({ status: "blocked" });
      expect(git(s.remote, ["branch", "--list", MEMORY_BRANCH]).trim(), name).toBe("");
    }
  });
});
