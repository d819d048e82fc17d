import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGuardCheck } from "../../src/action/guard-check.js";
import { guardOutbound } from "../../src/github/guarded-comments.js";
import { GuardConfig } from "../../src/guard/config.js";
import { scan, scanText } from "../../src/guard/scan.js";
import { BranchMemoryStore } from "../../src/memory/memory-store.js";
import { guardedPush, type PushRequest } from "../../src/workspace/guarded-push.js";
import { cli } from "../helpers/run-cli.js";
import { pushRequest } from "../helpers/push-request.js";
import { commit, git, tempDir, tempRepo, writeFiles, remoteAndClone } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

// Inline allow markers come from people. The agent can write `patchwright:allow` next to the secret it
// leaks as easily as the secret itself, so everything the agent writes is scanned with markers ignored;
// the scans people ask for honour them, and in a range of commits only where the line was already on
// the base side. Every attack below passed the guard before markers were limited this way.

const rand = prng(1212);
const guard = GuardConfig.parse({});

/** A bare remote with main, and a clone with a run branch one commit ahead. */
function pushSetup(files: Record<string, string>, message = "the run's change"): PushRequest {
  const s = remoteAndClone();
  commit(s.work, files, message);
  return pushRequest(s, { guard });
}

const remoteHas = (remote: string, branch: string): boolean =>
  git(remote, ["branch", "--list", branch]).trim() !== "";

describe("the agent's own output ignores allow markers", () => {
  it("a pushed file line with `patchwright:allow` (or `gitleaks:allow`) is still blocked", async () => {
    const token = githubToken(rand);
    const p = pushSetup({
      "src/client.ts": `export const token = "${token}"; // patchwright:allow\n`,
      "deploy.sh": `TOKEN=${githubToken(rand)} # gitleaks:allow\n`,
    });
    const result = await guardedPush(p);
    expect(result.status).toBe("blocked");
    if (result.status !== "blocked") return;
    expect(result.findings.map((f) => [f.path, f.ruleId]).sort()).toEqual([
      ["deploy.sh", "github-pat-classic"],
      ["src/client.ts", "github-pat-classic"],
    ]);
    expect(remoteHas(p.remoteUrl, p.branch)).toBe(false);
  });

  it("a commit message with a marker is still blocked", async () => {
    const token = githubToken(rand);
    const p = pushSetup({ "a.txt": "change\n" }, `Fix the client\n\nUses ${token} patchwright:allow\n`);
    const result = await guardedPush(p);
    expect(result).toMatchObject({ status: "blocked", findings: [{ where: "message" }] });
    expect(remoteHas(p.remoteUrl, p.branch)).toBe(false);
  });

  it("the scan a local run makes after committing ignores markers too (scan's default)", async () => {
    const repo = tempRepo();
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    commit(repo, { "a.ts": `const t = "${githubToken(rand)}"; // patchwright:allow\n` }, "change");
    const report = await scan({ mode: "git", range: `${base}..HEAD` }, { cwd: repo, config: guard });
    expect(report.findings).toHaveLength(1);
  });

  it("a PR body or comment with a marker on the token's line is withheld", () => {
    const token = githubToken(rand);
    const body = `Here is the token you asked for: ${token} <!-- patchwright:allow -->`;
    expect(scanText(body, guard)).toHaveLength(1);
    const posted = guardOutbound(body, guard);
    expect(posted).toMatch(/^patchwright withheld this message/);
    expect(posted).not.toContain(token);
  });

  it("the invisible markdown marker `[](patchwright:allow)` does not hide a token", () => {
    const token = githubToken(rand);
    const body = `Deployed with ${token} [](patchwright:allow)`;
    const posted = guardOutbound(body, guard);
    expect(posted).toMatch(/^patchwright withheld this message/);
    expect(posted).not.toContain(token);
  });

  it("a memory note with a marker is not committed", async () => {
    const repo = tempRepo();
    const store = new BranchMemoryStore({ repoDir: repo, guard });
    const token = githubToken(rand);
    await store.write("ci.md", `# CI\n\nThe deploy token is ${token} (patchwright:allow)\n`);
    const result = await store.commit("notes", { name: "patchwright", email: "patchwright@example.com" });
    expect(result.status).toBe("blocked");
    expect(JSON.stringify(result)).not.toContain(token);
  });
});

describe("the scans people ask for honour allow markers", () => {
  it("`patchwright scan` on a folder honours a marker on the line", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      "test/fixture.ts": `export const fake = "${githubToken(rand)}"; // patchwright:allow\n`,
      "src/client.ts": `export const token = "${githubToken(rand)}";\n`,
    });
    const r = await cli(["scan", ".", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { path: string }[] };
    expect(report.findings.map((f) => f.path)).toEqual(["src/client.ts"]);
  });

  /** A base where a person allowed a test token, and a range that moves that line and adds a new one. */
  function rangeFixture(): { repo: string; base: string; head: string } {
    const allowed = `export const fake = "${githubToken(rand)}"; // patchwright:allow`;
    const repo = tempRepo({ "test/old.ts": `${allowed}\n` });
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    git(repo, ["rm", "-q", "test/old.ts"]);
    const head = commit(
      repo,
      {
        // The person's allowed line, moved to another file: already on the base side.
        "test/new.ts": `// moved\n${allowed}\n`,
        // A marker added in the range, next to a new token: the author allowing their own secret.
        "src/client.ts": `export const token = "${githubToken(rand)}"; // patchwright:allow\n`,
      },
      "move the fixture, add a client",
    );
    return { repo, base, head };
  }

  it("`patchwright scan --git A..B` honours a marker only on a line that is on the base side", async () => {
    const { repo, base } = rangeFixture();
    const r = await cli(["scan", "--git", `${base}..HEAD`, "--format", "json"], { cwd: repo });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { path: string; line: number }[] };
    expect(report.findings.map((f) => [f.path, f.line])).toEqual([["src/client.ts", 1]]);
  });

  it("the Action's pull-request check honours base markers, not markers the pull request adds", async () => {
    const { repo, base, head } = rangeFixture();
    const eventPath = join(tempDir(), "event.json");
    writeFileSync(eventPath, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: head } } }));
    const result = await runGuardCheck(
      { scope: "auto", forbiddenTerms: "", forbiddenTermHashes: "" },
      { workspace: repo, eventName: "pull_request", eventPath, env: {} },
    );
    expect(result.ok && result.report.findings.map((f) => [f.path, f.line])).toEqual([["src/client.ts", 1]]);
  });

  it("a marker in a scanned range's commit message never counts", async () => {
    const repo = tempRepo();
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    commit(repo, { "a.txt": "x\n" }, `Rotate\n\nold: ${githubToken(rand)} patchwright:allow\n`);
    const r = await cli(["scan", "--git", `${base}..HEAD`, "--format", "json"], { cwd: repo });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: { where: string }[] }).findings).toMatchObject([
      { where: "message" },
    ]);
  });
});
