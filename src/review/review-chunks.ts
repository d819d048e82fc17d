import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import PQueue from "p-queue";
import { InstructionLoader, gitRefSource } from "../agent/instructions/load-instructions.js";
import type { LimitKind } from "../agent/events.js";
import type { ModelClient } from "../agent/model-types.js";
import { policyFor } from "../agent/permissions/policies.js";
import type { RepoConfig } from "../config/schema.js";
import type { ToolContext } from "../tools/tool-types.js";
import { openRunSandbox } from "../workspace/sandbox/run-sandbox.js";
import type { ReviewChunk } from "./diff/chunk.js";
import { pathInstructionsFor } from "./diff/filters.js";
import type { NotReviewed } from "./diff/not-reviewed.js";
import { renderChunk } from "./diff/render.js";
import { REPORT_TOOL } from "./findings/report-tool.js";
import { lowerFirst } from "./lower-first.js";
import { firstAnswerGate } from "./first-answer-gate.js";
import { REVIEW_DEFAULTS, type ReviewDeps, type ReviewInput } from "./review-input.js";
import { chunkMessage, reviewerSystem } from "./reviewer/prompt.js";
import { reviewChunk, type ChunkReview } from "./reviewer/review-chunk.js";
import type { Spend } from "./spend.js";

export type ReportedReview = Extract<ChunkReview, { kind: "reported" }>;

export interface ChunkRun {
  started: number;
  limits: RepoConfig["limits"];
  /** The head the last review read, when this one covers only what changed since. */
  sinceSha: string | undefined;
  /** Where every reviewer's model calls are counted. */
  spend: Spend;
}

export interface ChunkReviews {
  /** The parts that reported, in the order of the chunks. */
  reports: ReportedReview[];
  /** The files of parts a limit stopped before they reported. */
  stopped: NotReviewed[];
  /** Why the first part that failed did; undefined when none did. */
  failure: string | undefined;
  /** Sentences for the summary (an instruction file cut at the cap). */
  notes: string[];
}

/**
 * Runs one reviewer agent per chunk, `concurrency` at a time. The first failure stops the others and is
 * the one reported (the others then fail only because they were stopped). Throws when the run's own
 * environment fails: the checkout, its scratch space or its instruction files.
 */
export async function reviewChunks(
  chunks: readonly ReviewChunk[],
  input: ReviewInput,
  deps: ReviewDeps,
  run: ChunkRun,
): Promise<ChunkReviews> {
  if (chunks.length === 0) return { reports: [], stopped: [], failure: undefined, notes: [] };
  const { pull, config } = input;
  const now = deps.now ?? Date.now;
  const root = await realpath(deps.checkout);
  // Read-only, whoever wrote the pull request: a fork's author can reach this through automatic review.
  const sandboxed = await openRunSandbox({
    hostEnv: deps.env ?? process.env,
    passEnv: input.agent?.env,
    root,
    readable: [],
    network: input.agent?.network ?? false,
    readOnly: true,
  });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  deps.signal?.addEventListener("abort", onAbort, { once: true });
  if (deps.signal?.aborted) stop.abort();
  try {
    const toolContext: ToolContext = {
      root,
      env: sandboxed.env,
      scratchDir: sandboxed.scratchDir,
      signal: stop.signal,
      commandTimeoutMs: deps.commandTimeoutMs ?? REVIEW_DEFAULTS.commandTimeoutMs,
      sandbox: sandboxed.sandbox,
    };
    // Instruction files from the base: the head is written by whoever opened the pull request, and a
    // pull request must not be able to tell its own reviewer what to overlook.
    const source = gitRefSource(deps.checkout, pull.baseSha);
    const rootInstructions = await new InstructionLoader(source).load("");
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
    const reviewPart = async (chunk: ReviewChunk, i: number, model: ModelClient): Promise<ChunkReview> => {
      const loader = new InstructionLoader(source);
      await loader.load("");
      const result = await reviewChunk({
        model,
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
      if (result.kind === "failed" && !stop.signal.aborted) {
        failure = result.reason;
        stop.abort();
      }
      return result;
    };
    // The first part writes the prefix every part shares to the prompt cache; the others read it.
    const gate = firstAnswerGate(deps.model);
    const reviews = await Promise.all(
      chunks.map((chunk, i) =>
        queue.add(async () => {
          if (i > 0) await gate.opened;
          try {
            return await reviewPart(chunk, i, i === 0 ? gate.first : deps.model);
          } finally {
            if (i === 0) gate.open();
          }
        }),
      ),
    );
    // Added in the chunks' order, whichever finished first, so the totals come out the same every time.
    for (const review of reviews) run.spend.add(review);
    return {
      ...sortReviews(reviews, chunks, run.limits),
      failure,
      notes: rootInstructions.warning ? [rootInstructions.warning] : [],
    };
  } finally {
    deps.signal?.removeEventListener("abort", onAbort);
    await sandboxed.dispose();
  }
}

/** The reports, and the files of each part a limit stopped, as not reviewed. */
function sortReviews(
  reviews: readonly ChunkReview[],
  chunks: readonly ReviewChunk[],
  limits: RepoConfig["limits"],
): Pick<ChunkReviews, "reports" | "stopped"> {
  const reports: ReportedReview[] = [];
  const stopped: NotReviewed[] = [];
  reviews.forEach((r, i) => {
    if (r.kind === "reported") reports.push(r);
    else if (r.kind === "stopped") {
      for (const file of chunks[i]!.files) {
        stopped.push({ path: file.path, reason: "limit", detail: stoppedBecause(r.limit, limits, r.reason) });
      }
    }
  });
  return { reports, stopped };
}

/** Why a part was not reviewed, in terms of the review's limits (an agent only sees its share). */
function stoppedBecause(limit: LimitKind | undefined, limits: RepoConfig["limits"], reason: string): string {
  if (limit === "time") return `the review reached its time limit of ${limits.timeoutMinutes} minutes first`;
  if (limit === "cost") {
    return `its share of the review's cost limit ($${limits.maxCostUsd.toFixed(2)}) was spent first`;
  }
  return `its reviewer stopped: ${lowerFirst(reason)}`;
}
