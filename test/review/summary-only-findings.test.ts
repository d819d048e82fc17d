import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ModelRequest, ModelResponse } from "../../src/agent/model-types.js";
import { ScriptedModel, textResponse } from "../../src/agent/model/replay-model.js";
import { RepoConfig } from "../../src/config/schema.js";
import type { Finding } from "../../src/review/findings/finding.js";
import { REPORT_TOOL } from "../../src/review/findings/report-tool.js";
import { SCORE_TOOL } from "../../src/review/findings/score.js";
import { readSummaryMarker, withoutMarker } from "../../src/review/post/summary-comment.js";
import { runReview } from "../../src/review/run-review.js";
import type { ReviewInput } from "../../src/review/review-input.js";
import { testOctokit } from "../helpers/github-api.js";
import { commit, git, tempRepo } from "../helpers/temp-repo.js";
import { fakeGitHub } from "./fake-github.js";

// Findings on files the pull request does not change can only be listed in the summary: the next
// review, which rewrites it, must keep them until their code changes.

const BOT = "patchwright[bot]";

const BASE = {
  "src/upload.ts": "export async function upload(stream) {\n  return send(stream.read());\n}\n",
  "src/send.ts": "export function send(data) {\n  return fetch(data);\n}\n",
  "src/log.ts": "export function log(message) {\n  console.log(message);\n}\n",
};
const HEAD = {
  "src/upload.ts":
    "export async function upload(stream) {\n  stream.close();\n  return send(stream.read());\n}\n",
};

const finding = (f: Pick<Finding, "path" | "line" | "title">): Finding => ({
  severity: "minor",
  category: "bug",
  body: "Worth fixing before merging.",
  ...f,
});
const swallowed = finding({ path: "src/send.ts", line: 2, title: "Fetch errors are swallowed" });
const stdout = finding({ path: "src/log.ts", line: 2, title: "Logs go to stdout only" });

function tool(name: string, input: unknown): ModelResponse {
  return textResponse("", {
    content: [{ type: "tool_use", id: "toolu_1", name, input }],
    stopReason: "tool_use",
  });
}

/** The reviewer reports `findings`; the scoring pass keeps every one. */
function model(findings: Finding[]): ScriptedModel {
  return new ScriptedModel((request: ModelRequest) => {
    if (!request.tools.some((t) => t.name === SCORE_TOOL)) {
      return tool(REPORT_TOOL, { summary: "Closes the stream first.", files: [], findings });
    }
    const count = JSON.stringify(request.messages).match(/## Finding \d+/g)?.length ?? 0;
    const scores = Array.from({ length: count }, (_, i) => ({ index: i + 1, score: 8, reason: "real" }));
    return tool(SCORE_TOOL, { scores });
  });
}

function input(baseSha: string, headSha: string): ReviewInput {
  const config = RepoConfig.parse({});
  const pull = { number: 1, baseSha, headSha, title: "Close first", body: "" };
  return { repo: { owner: "o", repo: "r" }, pull, config: config.review, guard: config.guard, full: false };
}

const deps = (dir: string, m: ScriptedModel) => ({
  octokit: testOctokit(),
  model: m,
  modelName: "claude-sonnet-4-6",
  botLogin: BOT,
  checkout: dir,
  commandTimeoutMs: 10_000,
});

/** A pull request reviewed once: both findings are outside its diff, so summary only. */
async function reviewedOnce() {
  const dir = tempRepo(BASE);
  const baseSha = git(dir, ["rev-parse", "HEAD"]).trim();
  git(dir, ["checkout", "-q", "-b", "feature"]);
  const headSha = commit(dir, HEAD, "Close the stream");
  const gh = fakeGitHub({ repoDir: dir, botLogin: BOT, baseSha, headSha });
  const first = await runReview(input(baseSha, headSha), deps(dir, model([swallowed, stdout])));
  expect(first).toMatchObject({ status: "reviewed", posted: 0, notPosted: 2 });
  const summary = () => gh.issueComments[0]!.body as string;
  expect(summary()).toContain("<code>src/send.ts:2</code> · Fetch errors are swallowed");
  expect(summary()).toContain("<code>src/log.ts:2</code> · Logs go to stdout only");

  /** A push of `files` (and `remove` deleted), reviewed with the reviewer reporting `findings`. */
  const push = async (files: Record<string, string>, findings: Finding[] = [], remove: string[] = []) => {
    for (const path of remove) rmSync(join(dir, path));
    const pushed = commit(dir, files, "Push");
    gh.headSha = pushed;
    const result = await runReview(input(baseSha, pushed), deps(dir, model(findings)));
    expect(result).toMatchObject({ status: "reviewed" });
    expect(gh.issueComments).toHaveLength(1);
    return result;
  };
  return { gh, summary, push };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe("summary-only findings across pushes", () => {
  it("keeps them after a push that changes another file, though the review does not report them again", async () => {
    const { gh, summary, push } = await reviewedOnce();
    const result = await push({
      "src/upload.ts": "export async function upload(stream) {\n  stream.close();\n  return null;\n}\n",
    });
    expect(result).toMatchObject({ carried: 2, looksFixed: 0 });
    expect(summary()).toContain("### More findings, not posted as comments");
    expect(summary()).toContain("<code>src/send.ts:2</code> · Fetch errors are swallowed");
    expect(summary()).toContain("<code>src/log.ts:2</code> · Logs go to stdout only");
    expect(summary()).toContain("Worth fixing before merging.");
    expect(
      readSummaryMarker(summary())
        ?.summaryOnly?.map((c) => c.title)
        .sort(),
    ).toEqual(["Fetch errors are swallowed", "Logs go to stdout only"]);
    expect(gh.reviews).toEqual([]);
  });

  it("follows lines moved above it, and drops one whose code changed, saying it looks fixed", async () => {
    const { summary, push } = await reviewedOnce();
    const result = await push({
      "src/send.ts": "export function send(data) {\n  return fetch(data).catch(report);\n}\n",
      "src/log.ts": "// Logging.\n\nexport function log(message) {\n  console.log(message);\n}\n",
    });
    expect(result).toMatchObject({ carried: 1, looksFixed: 1 });
    expect(summary()).not.toContain("<code>src/send.ts:2</code>");
    expect(summary()).toContain("### Earlier findings that look fixed");
    expect(summary()).toContain(
      "- Fetch errors are swallowed in `src/send.ts`: the code it was about has changed.",
    );
    expect(summary()).toContain("<code>src/log.ts:4</code> · Logs go to stdout only");
    expect(readSummaryMarker(summary())?.summaryOnly).toMatchObject([{ path: "src/log.ts", line: 4 }]);

    // Gone for good: the next push neither lists it nor calls it fixed again.
    const later = await push({ "src/upload.ts": "export const upload = null;\n" });
    expect(later).toMatchObject({ carried: 1, looksFixed: 0 });
    expect(withoutMarker(summary())).not.toContain("Fetch errors are swallowed");
    expect(summary()).toContain("<code>src/log.ts:4</code> · Logs go to stdout only");
  });

  it("drops one whose file is gone", async () => {
    const { summary, push } = await reviewedOnce();
    const result = await push({ "src/upload.ts": "export const upload = null;\n" }, [], ["src/log.ts"]);
    expect(result).toMatchObject({ carried: 1, looksFixed: 1 });
    expect(summary()).toContain("- Logs go to stdout only in `src/log.ts`: the file is gone.");
    expect(summary()).toContain("<code>src/send.ts:2</code> · Fetch errors are swallowed");
    expect(readSummaryMarker(summary())?.summaryOnly).toMatchObject([{ path: "src/send.ts" }]);
  });

  it("lists one the new review reports again once", async () => {
    const { summary, push } = await reviewedOnce();
    const result = await push(
      { "src/upload.ts": "export async function upload(stream) {\n  stream.close();\n  return null;\n}\n" },
      [swallowed],
    );
    expect(result).toMatchObject({ notPosted: 1, carried: 1 });
    // Once in the text (the marker keeps it too, hidden).
    expect(count(withoutMarker(summary()), "Fetch errors are swallowed")).toBe(1);
    expect(count(withoutMarker(summary()), "Logs go to stdout only")).toBe(1);
    expect(
      readSummaryMarker(summary())
        ?.summaryOnly?.map((c) => c.title)
        .sort(),
    ).toEqual(["Fetch errors are swallowed", "Logs go to stdout only"]);
  });
});
