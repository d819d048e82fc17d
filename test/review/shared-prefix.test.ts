import nock from "nock";
import { expect, it } from "vitest";
import type { ContentBlock } from "../../src/agent/model-types.js";
import { createAnthropicClient } from "../../src/agent/model/anthropic-client.js";
import { RepoConfig } from "../../src/config/schema.js";
import { REPORT_TOOL } from "../../src/review/findings/report-tool.js";
import { SCORE_TOOL } from "../../src/review/findings/score.js";
import { runReview } from "../../src/review/run-review.js";
import { SSE_HEADERS, streamedMessage } from "../helpers/anthropic-sse.js";
import { testOctokit } from "../helpers/github-api.js";
import { commit, git, tempRepo } from "../helpers/temp-repo.js";
import { fakeGitHub } from "./fake-github.js";

const BOT = "patchwright[bot]";
const FIRST_ANSWER_MS = 300;

interface Body {
  tools: { name: string; cache_control?: unknown }[];
  system: { text: string; cache_control?: unknown }[];
  messages: { role: string; content: unknown }[];
}

/** Three changed modules, each big enough to be its own part at the small per-call budget below. */
function pullRequest() {
  const module = (name: string, value: number) =>
    Array.from({ length: 12 }, (_, i) => `export const ${name}${i} = ${value + i};\n`).join("");
  const dir = tempRepo({
    "src/a.ts": module("a", 0),
    "src/b.ts": module("b", 0),
    "src/c.ts": module("c", 0),
  });
  const baseSha = git(dir, ["rev-parse", "HEAD"]).trim();
  git(dir, ["checkout", "-q", "-b", "feature"]);
  const headSha = commit(
    dir,
    { "src/a.ts": module("a", 100), "src/b.ts": module("b", 100), "src/c.ts": module("c", 100) },
    "Shift every constant",
  );
  return { dir, baseSha, headSha };
}

it("gives every part of a review the same cached prefix, and sends the others once the first is answered", async () => {
  const pr = pullRequest();
  fakeGitHub({ repoDir: pr.dir, botLogin: BOT, baseSha: pr.baseSha, headSha: pr.headSha });
  const reviewers: { body: Body; at: number }[] = [];
  let firstAnsweredAt = Number.POSITIVE_INFINITY;
  const report: ContentBlock[] = [
    {
      type: "tool_use",
      id: "toolu_r",
      name: REPORT_TOOL,
      input: { summary: "Shifts.", files: [], findings: [] },
    },
  ];
  nock("https://api.anthropic.com")
    .post("/v1/messages")
    .times(3)
    .reply((_uri, raw, callback) => {
      const body = raw as Body;
      expect(body.tools.some((t) => t.name === SCORE_TOOL)).toBe(false);
      reviewers.push({ body, at: Date.now() });
      const reply = (): void =>
        callback(null, [200, streamedMessage(report, { model: "claude-sonnet-4-6" }), SSE_HEADERS]);
      if (reviewers.length > 1) return reply();
      // The first part's answer takes a while: the others must not be sent before it is in.
      setTimeout(() => {
        firstAnsweredAt = Date.now();
        reply();
      }, FIRST_ANSWER_MS);
    });
  const config = RepoConfig.parse({});

  const result = await runReview(
    {
      repo: { owner: "o", repo: "r" },
      pull: { number: 1, baseSha: pr.baseSha, headSha: pr.headSha, title: "Shift", body: "" },
      config: config.review,
      guard: config.guard,
      full: false,
    },
    {
      octokit: testOctokit(),
      model: createAnthropicClient({ apiKey: "test-key", env: {}, maxRetries: 0 }),
      modelName: "claude-sonnet-4-6",
      botLogin: BOT,
      checkout: pr.dir,
      commandTimeoutMs: 10_000,
      tokensPerCall: 400,
      concurrency: 3,
    },
  );

  expect(result.status).toBe("reviewed");
  expect(reviewers).toHaveLength(3);
  const prefix = (b: Body) => JSON.stringify({ tools: b.tools, system: b.system });
  const [first, ...others] = reviewers;
  for (const other of others) {
    // Byte for byte the same tools and system prompt, so the API serves them from the cache...
    expect(prefix(other.body)).toBe(prefix(first!.body));
    // ...once the request that wrote them has been answered.
    expect(other.at).toBeGreaterThanOrEqual(firstAnsweredAt);
  }
  // A breakpoint closes the shared prefix; what differs, the part's diff, comes after it.
  expect(first!.body.tools.at(-1)!.cache_control).toEqual({ type: "ephemeral" });
  expect(first!.body.system.at(-1)!.cache_control).toEqual({ type: "ephemeral" });
  const diffs = reviewers.map((r) => JSON.stringify(r.body.messages[0]));
  expect(new Set(diffs).size).toBe(3);
  for (const file of ["src/a.ts", "src/b.ts", "src/c.ts"]) {
    expect(diffs.filter((d) => d.includes(`### ${file}`))).toHaveLength(1);
    expect(prefix(first!.body)).not.toContain(file);
  }
});
