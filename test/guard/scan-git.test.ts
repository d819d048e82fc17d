import { describe, expect, it } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import { scan } from "../../src/guard/scan.js";
import { ScanError } from "../../src/guard/scan-error.js";
import { commit, git, tempRepo, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(11);
const config = (over: object = {}) => GuardConfig.parse(over);

describe("scan --git", () => {
  it("finds secrets in added lines of every commit in the range, with real line numbers", async () => {
    const repo = tempRepo({ "src/app.ts": "line 1\nline 2\nline 3\n" });
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    const token = githubToken(rand);
    const first = commit(
      repo,
      { "src/app.ts": `line 1\nline 2\nconst t = "${token}";\nline 3\n` },
      "add client",
    );
    commit(repo, { "docs/x.md": "nothing here\n" }, "docs");

    const report = await scan({ mode: "git", range: `${base}..HEAD` }, { cwd: repo, config: config() });
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      path: "src/app.ts",
      line: 3,
      column: 12,
      commit: first,
      where: "file",
    });
    expect(report.findings[0]!.ruleId).toBe("github-pat-classic");
    expect(report.stats.files).toBe(2);
  });

  it("does not report what the range removes, nor commits outside it", async () => {
    const token = githubToken(rand);
    const repo = tempRepo({ "a.ts": `const t = "${token}";\n` });
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    commit(repo, { "a.ts": "const t = process.env.TOKEN;\n" }, "remove the token");
    const report = await scan({ mode: "git", range: `${base}..HEAD` }, { cwd: repo, config: config() });
    expect(report.findings).toEqual([]);
  });

  it("scans commit messages, authors and branch names", async () => {
    const repo = tempRepo();
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    git(repo, ["checkout", "-q", "-b", "feature/falcon-rollout"]);
    const sha = commit(
      repo,
      { "a.txt": "ok\n" },
      "Wire up falcon\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
      { GIT_AUTHOR_EMAIL: "ada@falcon.example.com" },
    );
    const report = await scan(
      { mode: "git", range: `${base}..HEAD` },
      { cwd: repo, config: config({ forbiddenTerms: ["falcon"], aiAttribution: true }) },
    );
    const summary = report.findings.map((f) => [f.where, f.ruleId, f.line]).sort();
    expect(summary).toEqual([
      ["author", "forbidden-term", 1],
      ["branch", "forbidden-term", 1],
      ["message", "ai-co-author-trailer", 3],
      ["message", "forbidden-term", 1],
    ]);
    expect(report.findings.every((f) => f.commit === sha)).toBe(true);
  });

  it("flags a binary key store added in the range", async () => {
    const repo = tempRepo();
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    writeFiles(repo, { "certs/prod.p12": Buffer.from([0x30, 0x82, 0, 1, 2, 3]) });
    git(repo, ["add", "-A"]);
    git(repo, ["commit", "-q", "-m", "add cert"]);
    const report = await scan({ mode: "git", range: `${base}..HEAD` }, { cwd: repo, config: config() });
    expect(report.findings.map((f) => [f.ruleId, f.path])).toEqual([["key-store-file", "certs/prod.p12"]]);
  });

  it("refuses a bad range instead of reporting it clean", async () => {
    const repo = tempRepo();
    await expect(scan({ mode: "git", range: "nope..HEAD" }, { cwd: repo, config: config() })).rejects.toThrow(
      ScanError,
    );
    await expect(
      scan({ mode: "git", range: "--output=/tmp/x" }, { cwd: repo, config: config() }),
    ).rejects.toThrow(/not a revision range/);
  });
});

describe("scan --staged", () => {
  it("scans what git commit would record, not unstaged changes", async () => {
    const repo = tempRepo({ "a.ts": "one\n" });
    const staged = githubToken(rand);
    const unstaged = githubToken(rand);
    writeFiles(repo, { "a.ts": `one\nconst t = "${staged}";\n` });
    git(repo, ["add", "a.ts"]);
    writeFiles(repo, { "b.ts": `const u = "${unstaged}";\n` });
    const report = await scan({ mode: "staged" }, { cwd: repo, config: config() });
    expect(report.findings.map((f) => [f.path, f.line])).toEqual([["a.ts", 2]]);
    expect(report.findings[0]!.commit).toBeUndefined();
  });

  it("scans the branch name too", async () => {
    const repo = tempRepo();
    git(repo, ["checkout", "-q", "-b", "falcon"]);
    const report = await scan(
      { mode: "staged" },
      { cwd: repo, config: config({ forbiddenTerms: ["falcon"] }) },
    );
    expect(report.findings.map((f) => f.where)).toEqual(["branch"]);
  });
});

describe("git settings that change diff output", () => {
  it.each([
    ["diff.noprefix", "true"],
    ["diff.mnemonicPrefix", "true"],
    ["diff.external", "false"],
    ["core.quotePath", "true"],
    ["log.showSignature", "true"],
  ])("do not change what is scanned (%s=%s)", async (key, value) => {
    const repo = tempRepo();
    git(repo, ["config", key, value]);
    // A folder named "b" would lose its name to a careless "b/" prefix strip.
    writeFiles(repo, { "b/é.ts": `const t = "${githubToken(rand)}";\n` });
    git(repo, ["add", "-A"]);
    const staged = await scan({ mode: "staged" }, { cwd: repo, config: config() });
    expect(staged.findings.map((f) => f.path)).toEqual(["b/é.ts"]);
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    git(repo, ["commit", "-q", "-m", "add"]);
    const range = await scan({ mode: "git", range: `${base}..HEAD` }, { cwd: repo, config: config() });
    expect(range.findings.map((f) => f.path)).toEqual(["b/é.ts"]);
  });
});
