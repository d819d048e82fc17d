// `npm run bench:review`: one automatic review of a synthetic pull request of 300 files and about 20,000
// changed lines (synthetic-pr.mjs, a real git repository as the checkout), through the real pipeline
// (`runReview` from dist/: diff, filters, budget, reviewer agents, placement, scoring, posting), with
// GitHub answered in process (fake-github.mjs) and a local model answering at once (fake-model.mjs).
// Each run starts from a pull request without comments. Prints a Markdown table to stdout (the figures
// of the last run, wall time as the median of all), progress to stderr. Exits 1 if a run posted more
// than one review, a comment outside the diff, or failed.
//   node bench/review/run.mjs [--runs 5]
import { spawnSync } from "node:child_process";
import console from "node:console";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { fileURLToPath, pathToFileURL, URL } from "node:url";
import { parseArgs } from "node:util";
import { PromptCache } from "../context/cache-model.mjs";
import { fakeGitHub } from "./fake-github.mjs";
import { fakeModel } from "./fake-model.mjs";
import { generatePullRequest, pullFiles } from "./synthetic-pr.mjs";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number.parseInt(args.runs, 10);
if (!(runs >= 1 && runs <= 50)) throw new Error("--runs must be 1-50");
const log = (...a) => console.error(...a);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

if (!existsSync(join(ROOT, "dist/review/run-review.js"))) {
  log("dist/ is missing: npm run build");
  const built = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit", timeout: 300_000 });
  if (built.status !== 0) throw new Error("npm run build failed");
}
const load = (path) => import(pathToFileURL(join(ROOT, "dist", path)).href);
const { runReview } = await load("review/run-review.js");
const { REVIEW_DEFAULTS } = await load("review/review-input.js");
const { RepoConfig } = await load("config/schema.js");
const { estimateTokens } = await load("agent/context/token-count.js");
const { toApiParams } = await load("agent/model/api-messages.js");

const defaults = RepoConfig.parse({});
const BOT = "patchwright[bot]";
const MODEL = "claude-sonnet-4-6";
const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};
const n = (x) => x.toLocaleString("en-US");

log("generating the synthetic pull request…");
const pr = generatePullRequest();
const results = [];
try {
  const files = pullFiles(pr);
  const changed = files.reduce((sum, f) => sum + f.changes, 0);
  log(`${files.length} files, ${n(changed)} changed lines; ${runs} runs`);
  for (let r = 1; r <= runs; r++) {
    const github = fakeGitHub({ files, botLogin: BOT });
    const model = fakeModel({ estimateTokens, cache: new PromptCache(), toApiBody: toApiParams });
    const started = performance.now();
    const result = await runReview(
      {
        repo: { owner: "bench", repo: "repo" },
        pull: {
          number: 1,
          baseSha: pr.baseSha,
          headSha: pr.headSha,
          changedFiles: files.length,
          title: "Rewrite the step functions",
          body: "Synthetic.",
        },
        config: defaults.review,
        guard: defaults.guard,
        full: false,
      },
      { octokit: github.octokit, model: model.client, modelName: MODEL, botLogin: BOT, checkout: pr.dir },
    );
    const wallMs = performance.now() - started;
    const count = (route) => github.calls.filter((c) => c === route).length;
    const m = {
      wallMs,
      result,
      files: files.length,
      changed,
      github,
      model: model.stats,
      reviewPosts: count("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
      postCalls: github.calls.filter((c) => !c.startsWith("GET ")).length,
      getCalls: github.calls.filter((c) => c.startsWith("GET ")).length,
      outside: github.outsideDiff(),
    };
    results.push(m);
    log(
      `run ${r}: ${result.status}, ${m.reviewPosts} review POST, ${result.posted} comments, ${wallMs.toFixed(0)} ms`,
    );
    if (result.status !== "reviewed" || m.reviewPosts !== 1 || m.outside !== 0) {
      log(`  not as required: ${result.error ?? ""}`);
      process.exitCode = 1;
    }
  }
} finally {
  rmSync(pr.dir, { recursive: true, force: true });
}

const last = results.at(-1);
const { result, model } = last;
const budget = REVIEW_DEFAULTS.tokensPerCall * REVIEW_DEFAULTS.maxCalls;
const diffTokens = model.diffTokens.reduce((a, b) => a + b, 0);
const byReason = {};
for (const item of result.notReviewed) byReason[item.reason] = (byReason[item.reason] ?? 0) + 1;
const k = model.kinds;
const rows = [
  ["pull request", `${last.files} files, ${n(last.changed)} changed lines (additions + deletions)`],
  [
    "diff tokens sent / budget",
    `${n(diffTokens)} / ${n(budget)} (${REVIEW_DEFAULTS.maxCalls} calls × ${n(REVIEW_DEFAULTS.tokensPerCall)})`,
  ],
  [
    "largest call's diff / per-call budget",
    `${n(Math.max(...model.diffTokens))} / ${n(REVIEW_DEFAULTS.tokensPerCall)}`,
  ],
  ["input tokens, all requests (prompt, tools, diff, scoring)", n(model.inputTokens)],
  ["reviewer requests: cache read / input tokens (cache model)", reviewerCacheFigures(model.reviewerCache)],
  ["model calls", `${result.modelCalls} (${model.reviewerCalls} reviewer, ${model.scoringCalls} scoring)`],
  ["cost at claude-sonnet-4-6 / claude-haiku-4-5 prices", `$${result.costUsd.toFixed(2)}`],
  [
    "files not reviewed, by reason",
    Object.entries(byReason)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(", ") || "none",
  ],
  [
    "findings from the model",
    `${k.exact + k.range + k.near + k.far + k.nit + k.praise + k.otherFile} (${k.exact} on a line, ${k.range} ranges, ${k.near} a few lines off, ${k.far} far off, ${k.otherFile} in files outside the diff, ${k.nit} nits, ${k.praise} praise)`,
  ],
  ["inline comments posted", `${result.posted} (cap ${defaults.review.maxComments})`],
  ["kept for the summary", String(result.notPosted)],
  ["review POSTs (must be 1)", String(last.reviewPosts)],
  [
    "GitHub calls",
    `${last.getCalls} reads, ${last.postCalls} writes (${last.github.calls.filter((c) => !c.startsWith("GET ")).join(", ")})`,
  ],
  ["comments outside the diff (must be 0)", String(last.outside)],
  [
    `wall time, median of ${results.length}`,
    `${(median(results.map((x) => x.wallMs)) / 1000).toFixed(2)} s (min ${(Math.min(...results.map((x) => x.wallMs)) / 1000).toFixed(2)}, max ${(Math.max(...results.map((x) => x.wallMs)) / 1000).toFixed(2)})`,
  ],
];
console.log(
  `## Review benchmark: ${last.files} files, ${n(last.changed)} changed lines, local fake model and GitHub\n`,
);
console.log("| measure | value |\n| --- | --- |");
for (const [what, value] of rows) console.log(`| ${what} | ${value} |`);

/** The reviewers' requests under bench/context's prompt-cache model (tokens = bytes / 4). */
function reviewerCacheFigures(usages) {
  const sum = (k) => usages.reduce((s, u) => s + u[k], 0);
  const read = sum("cache_read_input_tokens");
  const written = sum("cache_creation_input_tokens");
  const total = read + written + sum("input_tokens");
  const readers = usages.filter((u) => u.cache_read_input_tokens > 0);
  const prefix = readers.length ? Math.min(...readers.map((u) => u.cache_read_input_tokens)) : 0;
  return (
    `${n(read)} / ${n(total)} (${((100 * read) / total).toFixed(1)}%); the shared prefix (tools, system ` +
    `prompt: ${n(prefix)} tokens) written once, read by ${readers.length} of ${usages.length} reviewers`
  );
}
