/**
 * One review of one pull request, end to end: the diff since the last reviewed head (or all of it),
 * one read-only reviewer agent per part of it (in parallel, bounded), every finding checked against the
 * diff and scored, then one review and the summary comment. Nothing is posted until every part is
 * done, and a failure of the model or of GitHub ends in one sentence (in the result, and in the summary
 * when it can be written), never in half a review.
 */
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import PQueue from "p-queue";
import { InstructionLoader, gitRefSource } from "../agent/instructions/load-instructions.js";
import type { LimitKind } from "../agent/events.js";
import type { ModelClient, Usage } from "../agent/model-types.js";
import { addUsage, costUsd, emptyUsage } from "../agent/model/prices.js";
import { policyFor } from "../agent/permissions.js";
import { RepoConfig } from "../config/schema.js";
import { describeGitHubError, isStatus } from "../github/errors.js";
import type { OctokitLike, RepoRef } from "../github/octokit-like.js";
import { openSandbox, sandboxHost } from "../workspace/sandbox/open-sandbox.js";
import { readSandboxMode } from "../workspace/sandbox/sandbox.js";
import { scrubbedEnv } from "../tools/bash.js";
import type { ToolContext } from "../tools/tool-types.js";
import { checkoutPatch, checkoutReader } from "./checkout.js";
import type { ReviewChunk } from "./diff/budget.js";
import { pathInstructionsFor } from "./diff/filters.js";
import { notReviewedReason, type NotReviewed } from "./diff/not-reviewed.js";
import { prepareDiff, type PreparedDiff } from "./diff/prepare.js";
import { renderChunk } from "./diff/render.js";
import type { FileNote, Finding } from "./findings/finding.js";
import { REPORT_TOOL } from "./findings/report-tool.js";
import { DEFAULT_SCORE_THRESHOLD, scoreFindings } from "./findings/score.js";
import { placeFindings, scoreContext } from "./place-findings.js";
import { inlineCode } from "./post/markdown.js";
import { publishReview, type PlacedFinding } from "./post/publish.js";
import {
  failureNotice,
  findSummary,
  upsertSummary,
  withNotice,
  withoutMarker,
  type SummaryComment,
} from "./post/summary-comment.js";
import { chunkMessage, reviewerSystem } from "./reviewer/prompt.js";
import { reviewChunk, type ChunkReview } from "./reviewer/review-chunk.js";

export interface ReviewPull {
  number: number;
  baseSha: string;
  headSha: string;
  /** The pull request's `changed_files`: tells a list of exactly 3000 files from a truncated one. */
  changedFiles?: number;
  title: string;
  body: string;
}

export interface ReviewInput {
  repo: RepoRef;
  pull: ReviewPull;
  config: RepoConfig["review"];
  guard: RepoConfig["guard"];
  /** An on-demand `/review`: the whole diff, paused or not. Otherwise only what changed since the last review. */
  full: boolean;
  /** The run's limits (the config's `limits`); the defaults when left out. */
  limits?: RepoConfig["limits"];
  /** The config's `agent` settings: extra permission rules, environment names, network, command time. */
  agent?: RepoConfig["agent"];
}

export interface ReviewDeps {
  octokit: OctokitLike;
  model: ModelClient;
  modelName: string;
  /** The cheaper model of the scoring pass. */
  scoringModel?: string;
  botLogin: string;
  /** A git checkout of the pull request's head, with its base commit fetched too. */
  checkout: string;
  signal?: AbortSignal;
  now?: () => number;
  /** The most tokens of rendered diff one model call gets. */
  tokensPerCall?: number;
  /** The most reviewer agents (model calls of diff) one review runs. */
  maxCalls?: number;
  /** How many reviewer agents run at once. */
  concurrency?: number;
  /** Where the reviewer's commands take PATH and LANG from (scrubbed of everything else). */
  env?: NodeJS.ProcessEnv;
  commandTimeoutMs?: number;
}

export const REVIEW_DEFAULTS = {
  scoringModel: "claude-haiku-4-5",
  tokensPerCall: 60_000,
  maxCalls: 8,
  concurrency: 3,
  /** Turns of one reviewer agent: reading a few files, then the report. */
  maxTurns: 15,
  /** Output tokens of one answer: a report on many files is long. */
  maxTokens: 16_384,
  commandTimeoutMs: 60_000,
} as const;

export interface ReviewResult {
  /** up-to-date: this head was reviewed already; paused: automatic review is off for this pull request. */
  status: "reviewed" | "up-to-date" | "paused" | "failed";
  /** Inline comments posted. */
  posted: number;
  /** Findings skipped because an earlier review posted them. */
  alreadyPosted: number;
  /** Findings kept but listed in the summary instead: over the cap, outside the diff, or refused by GitHub. */
  notPosted: number;
  /** Earlier findings whose code is gone. */
  looksFixed: number;
  /** Earlier summary-only findings listed again: their code has not changed since. */
  carried: number;
  /** What changed but was not read, with why. */
  notReviewed: NotReviewed[];
  modelCalls: number;
  usage: Usage;
  /** Every token of every call: input, output, cache writes and reads. */
  tokens: number;
  costUsd: number;
  reviewId: number | undefined;
  summaryCommentId: number | undefined;
  /** What went wrong, in one sentence; undefined when the review went through. */
  error: string | undefined;
}

export async function runReview(input: ReviewInput, deps: ReviewDeps): Promise<ReviewResult> {
  const { octokit } = deps;
  const { repo, pull, config } = input;
  const now = deps.now ?? Date.now;
  const started = now();
  const limits = input.limits ?? RepoConfig.parse({}).limits;
  const spent = { modelCalls: 0, usage: emptyUsage(), costUsd: 0 };
  const result = (fields: Partial<ReviewResult> & Pick<ReviewResult, "status">): ReviewResult => ({
    posted: 0,
    alreadyPosted: 0,
    notPosted: 0,
    looksFixed: 0,
    carried: 0,
    notReviewed: [],
    ...spent,
    tokens: totalTokens(spent.usage),
    reviewId: undefined,
    summaryCommentId: undefined,
    error: undefined,
    ...fields,
  });

  let summary: SummaryComment | undefined;
  try {
    summary = await findSummary(octokit, repo, pull.number, deps.botLogin);
  } catch (err) {
    // Without the summary we cannot tell what was posted before: post nothing.
    return result({
      status: "failed",
      error: `Could not read the pull request: ${describeGitHubError(err)}`,
    });
  }
  if (!input.full && summary?.marker.paused) return result({ status: "paused" });
  if (!input.full && summary?.marker.headSha === pull.headSha) return result({ status: "up-to-date" });

  /** Says on the summary that this review failed; the last finished review's marker stays. */
  const fail = async (error: string): Promise<ReviewResult> => {
    let summaryCommentId: number | undefined;
    try {
      const text = withNotice(
        withoutMarker(summary?.body ?? ""),
        "failed",
        failureNotice(pull.headSha, error),
      );
      const posted = await upsertSummary(octokit, repo, pull.number, {
        body: text,
        marker: summary?.marker ?? { findings: [] },
        botLogin: deps.botLogin,
        guard: input.guard,
        existing: summary ?? null,
      });
      summaryCommentId = posted.commentId;
    } catch (err) {
      return result({
        status: "failed",
        error: `${error} Saying so on the pull request failed too: ${describeGitHubError(err)}`,
      });
    }
    return result({ status: "failed", error, summaryCommentId });
  };

  const readFile = checkoutReader(deps.checkout);
  const notes: string[] = [];
  const sinceSha = input.full ? undefined : summary?.marker.headSha;
  let prepared: PreparedDiff;
  let incremental = sinceSha;
  try {
    const prepare = (since: string | undefined) =>
      prepareDiff({
        octokit,
        repo,
        pull,
        ...(since !== undefined && { sinceSha: since }),
        paths: config.paths,
        tokensPerCall: deps.tokensPerCall ?? REVIEW_DEFAULTS.tokensPerCall,
        maxCalls: deps.maxCalls ?? REVIEW_DEFAULTS.maxCalls,
        readFile,
        localPatch: checkoutPatch(deps.checkout),
      });
    try {
      prepared = await prepare(sinceSha);
    } catch (err) {
      // The last reviewed commit is gone (a force-push, then garbage collection): review it all.
      if (sinceSha === undefined || !isStatus(err, 404)) throw err;
      prepared = await prepare(undefined);
      incremental = undefined;
      notes.push(
        `The last reviewed commit ${inlineCode(sinceSha.slice(0, 7))} is no longer known to GitHub, so the whole pull request was reviewed.`,
      );
    }
  } catch (err) {
    return fail(`Could not get the pull request's diff: ${describeGitHubError(err)}`);
  }
  if (prepared.truncated) {
    notes.push("GitHub listed only part of the changed files; the files past its limit were not reviewed.");
  }

  let reviews: ChunkReview[];
  let failure: string | undefined;
  try {
    ({ reviews, failure } = await reviewChunks(prepared.chunks, input, deps, {
      started,
      limits,
      sinceSha: incremental,
      notes,
    }));
  } catch (err) {
    // The checkout, its scratch space or its instruction files: the run's own environment failed.
    return fail(`The review could not start: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const r of reviews) {
    spent.modelCalls += r.modelCalls;
    spent.usage = addUsage(spent.usage, r.usage);
    spent.costUsd += r.costUsd;
  }
  if (deps.signal?.aborted) return result({ status: "failed", error: "The review was stopped." });
  if (failure !== undefined) return fail(`The review model failed: ${lowerFirst(failure)}`);

  const notReviewed = [...prepared.notReviewed];
  const reports: Extract<ChunkReview, { kind: "reported" }>[] = [];
  reviews.forEach((r, i) => {
    if (r.kind === "reported") reports.push(r);
    else if (r.kind === "stopped") {
      for (const file of prepared.chunks[i]!.files) {
        notReviewed.push({
          path: file.path,
          reason: "limit",
          detail: stoppedBecause(r.limit, limits, r.reason),
        });
      }
    }
  });

  const findings = reports.flatMap((r) => r.report.findings);
  const { placed, outside } = placeFindings(findings, prepared.hunksByPath);
  const scoringModel = deps.scoringModel ?? REVIEW_DEFAULTS.scoringModel;
  const scoreInputs = await Promise.all(
    [...placed.map((p) => p.finding), ...outside].map(async (finding) => ({
      finding,
      context: scoreContext(await readFile(finding.path), finding),
    })),
  );
  // Scored all together and capped here: findings off the diff must not take an inline comment's place.
  const scored = await scoreFindings(deps.model, scoreInputs, {
    model: scoringModel,
    threshold: DEFAULT_SCORE_THRESHOLD,
    profile: config.profile,
    maxComments: scoreInputs.length,
    ...(deps.signal && { signal: deps.signal }),
  });
  spent.modelCalls += scored.modelCalls;
  spent.usage = addUsage(spent.usage, scored.usage);
  spent.costUsd += costUsd(scoringModel, scored.usage).usd;
  if (scored.note) notes.push(scored.note);

  const byFinding = new Map<Finding, PlacedFinding>(placed.map((p) => [p.finding, p]));
  const inline: PlacedFinding[] = [];
  const notPosted: Finding[] = [];
  for (const { finding } of scored.comments) {
    const onDiff = byFinding.get(finding);
    if (onDiff && inline.length < config.maxComments) inline.push(onDiff);
    else notPosted.push(finding);
  }
  const outsideKept = notPosted.filter((f) => !byFinding.has(f)).length;
  if (outsideKept > 0) {
    notes.push(
      `${outsideKept} finding${outsideKept === 1 ? " is" : "s are"} about lines outside the diff, so ${outsideKept === 1 ? "it is" : "they are"} listed here instead of inline.`,
    );
  }
  const weak = scored.dropped.filter((d) => d.why === "low score").length;
  if (weak > 0)
    notes.push(`${weak} weaker finding${weak === 1 ? " was" : "s were"} left out by the scoring pass.`);
  notes.push(...reports.flatMap((r) => r.notes));

  const unparsed = reports
    .map((r) => r.unparsed?.trim())
    .filter(Boolean)
    .join("\n\n");
  if (deps.signal?.aborted) return result({ status: "failed", error: "The review was stopped." });
  let published;
  try {
    // The summary is looked up again rather than reused: a pause set while the review ran must stay.
    published = await publishReview(
      { octokit, repo, pullNumber: pull.number, botLogin: deps.botLogin, guard: input.guard, readFile },
      {
        headSha: pull.headSha,
        summary: walkthrough(reports, prepared.chunks.length > 0, notReviewed.length > 0, incremental),
        files: uniqueFiles(reports.flatMap((r) => r.report.files)),
        comments: inline,
        notPosted,
        notReviewed: notReviewed.map((n) => ({ path: n.path, reason: notReviewedReason(n) })),
        unparsed: unparsed || undefined,
        notes,
        stats: { modelCalls: spent.modelCalls, tokens: totalTokens(spent.usage), costUsd: spent.costUsd },
        requestChanges: config.requestChanges,
      },
    );
  } catch (err) {
    return fail(`Posting the review failed: ${describeGitHubError(err)}`);
  }
  return result({
    status: "reviewed",
    posted: published.posted,
    alreadyPosted: published.alreadyPosted,
    notPosted: notPosted.length + published.rejected,
    looksFixed: published.looksFixed.length,
    carried: published.carried,
    notReviewed,
    reviewId: published.reviewId,
    summaryCommentId: published.summaryCommentId,
  });
}

interface ChunkRunContext {
  started: number;
  limits: RepoConfig["limits"];
  /** The head the last review read, when this one covers only what changed since. */
  sinceSha: string | undefined;
  /** Where sentences for the summary go (an instruction file cut at the cap). */
  notes: string[];
}

/**
 * Runs one reviewer agent per chunk, `concurrency` at a time. The first failure stops the others and is
 * the one reported (the others then fail only because they were stopped).
 */
async function reviewChunks(
  chunks: readonly ReviewChunk[],
  input: ReviewInput,
  deps: ReviewDeps,
  run: ChunkRunContext,
): Promise<{ reviews: ChunkReview[]; failure: string | undefined }> {
  if (chunks.length === 0) return { reviews: [], failure: undefined };
  const { pull, config } = input;
  const now = deps.now ?? Date.now;
  const root = await realpath(deps.checkout);
  const scratchDir = await mkdtemp(join(tmpdir(), "patchwright-review-"));
  const hostEnv = deps.env ?? process.env;
  const env = scrubbedEnv(hostEnv, input.agent?.env);
  // Read-only, whoever wrote the pull request: a fork's author can reach this through automatic review.
  const sandbox = await openSandbox(
    readSandboxMode(hostEnv),
    {
      root,
      readable: [scratchDir],
      writable: env.HOME ? [env.HOME] : [],
      network: input.agent?.network ?? false,
      readOnly: true,
    },
    sandboxHost(hostEnv),
  ).catch(async (err: unknown) => {
    for (const dir of [scratchDir, env.HOME]) if (dir) await rm(dir, { recursive: true, force: true });
    throw err;
  });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  deps.signal?.addEventListener("abort", onAbort, { once: true });
  if (deps.signal?.aborted) stop.abort();
  try {
    const toolContext: ToolContext = {
      root,
      env,
      scratchDir,
      signal: stop.signal,
      commandTimeoutMs: deps.commandTimeoutMs ?? REVIEW_DEFAULTS.commandTimeoutMs,
      sandbox,
    };
    // Instruction files from the base: the head is written by whoever opened the pull request, and a
    // pull request must not be able to tell its own reviewer what to overlook.
    const source = gitRefSource(deps.checkout, pull.baseSha);
    const rootInstructions = await new InstructionLoader(source).load("");
    if (rootInstructions.warning) run.notes.push(rootInstructions.warning);
    const system = reviewerSystem({
      profile: config.profile,
      repoInstructions: rootInstructions.text,
      reviewInstructions: config.instructions,
    });
    // The repository config's rules apply to its reviewer as to every run (the tools stay read-only).
    const rules = policyFor("review", [
      { tool: REPORT_TOOL, pattern: "*", decision: "allow" },
      ...(input.agent?.rules ?? []),
    ]);
    const deadline = run.started + run.limits.timeoutMinutes * 60_000;
    const queue = new PQueue({ concurrency: deps.concurrency ?? REVIEW_DEFAULTS.concurrency });
    let failure: string | undefined;
    const reviews = await Promise.all(
      chunks.map((chunk, i) =>
        queue.add(async () => {
          const loader = new InstructionLoader(source);
          await loader.load("");
          const review = await reviewChunk({
            model: deps.model,
            modelName: deps.modelName,
            system,
            message: chunkMessage({
              pull,
              diff: renderChunk(chunk),
              part: { index: i + 1, count: chunks.length },
              sinceSha: run.sinceSha,
              pathInstructions: pathInstructionsFor(
                chunk.files.map((f) => f.path),
                config.pathInstructions,
              ),
            }),
            toolContext,
            rules,
            limits: {
              maxTurns: Math.min(REVIEW_DEFAULTS.maxTurns, run.limits.maxTurns),
              // The run's budget shared out: the parts together stay within it.
              maxCostUsd: run.limits.maxCostUsd / chunks.length,
              timeoutMs: Math.max(0, deadline - now()),
            },
            maxTokens: REVIEW_DEFAULTS.maxTokens,
            instructionsFor: (path) => {
              const rel = relative(root, resolve(root, path)).split(sep).join("/");
              return rel.startsWith("..") || isAbsolute(rel)
                ? Promise.resolve({ text: "", files: [] })
                : loader.forPath(rel);
            },
            now,
            signal: stop.signal,
          });
          // One part failing fails the review: the others stop rather than spend for nothing.
          if (review.kind === "failed" && !stop.signal.aborted) {
            failure = review.reason;
            stop.abort();
          }
          return review;
        }),
      ),
    );
    return { reviews, failure };
  } finally {
    deps.signal?.removeEventListener("abort", onAbort);
    if (sandbox.kind !== "unavailable") await sandbox.dispose();
    await rm(scratchDir, { recursive: true, force: true });
    if (env.HOME) await rm(env.HOME, { recursive: true, force: true });
  }
}

/** The parts' overviews as one walkthrough; when no part was sent, why not. */
function walkthrough(
  reports: { report: { summary: string } }[],
  anySent: boolean,
  anyLeftOut: boolean,
  sinceSha: string | undefined,
): string {
  const since =
    sinceSha === undefined
      ? ""
      : `_Changes since ${inlineCode(sinceSha.slice(0, 7))}, the last reviewed commit._\n\n`;
  if (!anySent) {
    return `${since}${anyLeftOut ? "Every changed file was left out of the review (listed below)." : "No changed lines to review."}`;
  }
  const text = reports
    .map((r) => r.report.summary.trim())
    .filter(Boolean)
    .join("\n\n");
  return `${since}${text}`;
}

/** One note per file: a file split across parts gets the first part's. */
function uniqueFiles(files: FileNote[]): FileNote[] {
  const seen = new Set<string>();
  return files.filter((f) => !seen.has(f.path) && Boolean(seen.add(f.path)));
}

/** Why a part was not reviewed, in terms of the review's limits (an agent only sees its share). */
function stoppedBecause(limit: LimitKind | undefined, limits: RepoConfig["limits"], reason: string): string {
  if (limit === "time") return `the review reached its time limit of ${limits.timeoutMinutes} minutes first`;
  if (limit === "cost") {
    return `its share of the review's cost limit ($${limits.maxCostUsd.toFixed(2)}) was spent first`;
  }
  return `its reviewer stopped: ${lowerFirst(reason)}`;
}

function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
}

/** "The model call failed" inside a sentence; an acronym ("API ...") stays as it is. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}
