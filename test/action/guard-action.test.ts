import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runGuardCheck } from "../../src/action/guard-check.js";
import { planGuardScan, type Checkout } from "../../src/action/guard-target.js";
import { commit, git, tempDir, tempRepo } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const rand = prng(21);

interface PullRequestRefs {
  base: { sha: string };
  head: { sha: string };
}
const ACTION = join(import.meta.dirname, "../../bundle/action.js");

/** A repository with a base commit and a pull request head that adds a token, and the PR's event file. */
function pullRequestFixture(): { repo: string; eventPath: string; token: string; head: string } {
  const repo = tempRepo({ "src/app.ts": "export const a = 1;\n" });
  const base = git(repo, ["rev-parse", "HEAD"]).trim();
  const token = githubToken(rand);
  const head = commit(
    repo,
    { "src/app.ts": `export const a = 1;\nexport const t = "${token}";\n` },
    "add client",
  );
  const payload = webhookExample("pull_request", (p) => p["action"] === "opened");
  const pr = payload["pull_request"] as PullRequestRefs;
  pr.base.sha = base;
  pr.head.sha = head;
  const eventPath = join(tempDir(), "event.json");
  writeFileSync(eventPath, JSON.stringify(payload));
  return { repo, eventPath, token, head };
}

/** A checkout that has no commits and no remote branches: what the plan sees of a bare event. */
const empty: Checkout = { isCommit: () => Promise.resolve(true), remoteBranches: () => Promise.resolve([]) };

describe("planGuardScan", () => {
  it("scans a pull request's commits, with the base's rules", async () => {
    const payload = webhookExample("pull_request", (p) => p["action"] === "synchronize");
    const { base, head } = payload["pull_request"] as PullRequestRefs;
    expect(await planGuardScan("auto", "pull_request", payload, empty)).toMatchObject({
      target: { mode: "git", range: `${base.sha}..${head.sha}` },
      configFrom: base.sha,
    });
  });

  it("scans a push's commits, and the tree when the push created the branch and nothing compares", async () => {
    const created = webhookExample("push", (p) => p["created"] === true);
    expect((await planGuardScan("auto", "push", created, empty)).target).toEqual({
      mode: "paths",
      paths: ["."],
    });
    const update = { ...created, before: "1".repeat(40), created: false };
    expect((await planGuardScan("auto", "push", update, empty)).target).toEqual({
      mode: "git",
      range: `${"1".repeat(40)}..${String(created["after"])}`,
    });
  });

  it("scans the tree for other events and when asked", async () => {
    expect(
      (await planGuardScan("auto", "issue_comment", webhookExample("issue_comment"), empty)).target,
    ).toEqual({
      mode: "paths",
      paths: ["."],
    });
    expect((await planGuardScan("pack", "pull_request", {}, empty)).target).toEqual({
      mode: "pack",
      dir: ".",
    });
  });
});

describe("runGuardCheck", () => {
  it("finds what a pull request adds", async () => {
    const { repo, eventPath, head } = pullRequestFixture();
    const result = await runGuardCheck(
      { scope: "auto", forbiddenTerms: "", forbiddenTermHashes: "" },
      { workspace: repo, eventName: "pull_request", eventPath, env: {} },
    );
    expect(result.ok && result.report.findings.map((f) => [f.path, f.line, f.commit])).toEqual([
      ["src/app.ts", 2, head],
    ]);
  });

  it("explains a shallow checkout instead of passing it", async () => {
    const { eventPath } = pullRequestFixture();
    const shallow = tempRepo();
    const result = await runGuardCheck(
      { scope: "auto", forbiddenTerms: "", forbiddenTermHashes: "" },
      { workspace: shallow, eventName: "pull_request", eventPath, env: {} },
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/could not scan.*fetch-depth: 0/);
  });
});

describe("the Action, run as GitHub runs it", () => {
  const run = promisify(execFile);

  it("annotates findings, writes the summary and the output, masks terms and fails the step", async () => {
    const { repo, eventPath, token } = pullRequestFixture();
    const files = tempDir();
    const summary = join(files, "summary.md");
    const output = join(files, "output");
    writeFileSync(summary, "");
    writeFileSync(output, "");
    const env = {
      PATH: process.env["PATH"] ?? "",
      GITHUB_WORKSPACE: repo,
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      INPUT_MODE: "guard",
      INPUT_SCAN: "auto",
      INPUT_FORBIDDEN_TERMS: "nimbus",
      INPUT_FORBIDDEN_TERM_HASHES: "",
      INPUT_CONFIG_PATH: "",
    };
    const failed = await run(process.execPath, [ACTION], { cwd: repo, env }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed).toMatchObject({ code: 1 });
    const stdout = (failed as { stdout: string }).stdout;
    expect(stdout).toContain("::add-mask::nimbus");
    expect(stdout).toMatch(
      /::error title=patchwright%3A github-pat-classic,file=src\/app.ts,line=2,col=\d+::/,
    );
    expect(stdout).toContain("::error::The leak guard found 1 leak(s)");
    expect(stdout).not.toContain(token);
    expect(readFileSync(output, "utf8")).toMatch(/findings<<.*\n1\n/);
    expect(readFileSync(summary, "utf8")).toContain("| src/app.ts:2 (commit ");
  });
});
