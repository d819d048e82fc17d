/**
 * The second, cheaper pass: a small model scores each finding 0-10, the weak ones are dropped, and
 * what is left is sorted and capped. Praise and (unless the profile is assertive) nits are dropped
 * locally first, so they cost no tokens. If scoring fails, the findings are kept unscored.
 */
import { z } from "zod";
import type { ContentBlock, ModelClient, Usage } from "../../agent/model-types.js";
import type { ToolSpec } from "../../tools/tool-spec.js";
import { emptyUsage } from "../../agent/model/prices.js";
import { compareSeverity, type Finding } from "./finding.js";
import { fenced } from "../post/markdown.js";
import { toNumber } from "./repair.js";

export const SCORE_TOOL = "score_findings";

/** Findings scored below this (0-10) are dropped unless the caller sets its own threshold. */
export const DEFAULT_SCORE_THRESHOLD = 5;

const Score = z.object({
  index: z.number().int().describe("The finding's number in the list."),
  score: z
    .number()
    .min(0)
    .max(10)
    .describe("0: wrong, praise or not worth a comment; 10: certain and important."),
  reason: z.string().describe("Why, in a few words."),
});
const ScoreReport = z.object({ scores: z.array(Score) });

export const scoreFindingsTool: ToolSpec = {
  kind: "custom",
  name: SCORE_TOOL,
  description: "Give every finding in the list a score, once.",
  inputSchema: z.toJSONSchema(ScoreReport),
};

const SYSTEM = [
  "You check the findings of an automatic code review before they are posted on a pull request.",
  "For each finding, judge from the code shown whether it is real, correct and worth a reviewer's comment.",
  "Score 0-10: 0-2 wrong, praise, or nothing to do; 3-4 doubtful or trivial; 5-7 likely real and useful;",
  `8-10 certainly real and important. Call ${SCORE_TOOL} once with a score for every finding.`,
].join(" ");

export interface ScoreInput {
  finding: Finding;
  /** The code the finding is about, with a few lines around it. */
  context: string;
}

export interface Scored extends ScoreInput {
  /** Undefined when the scoring pass gave none (the finding is kept). */
  score: number | undefined;
  reason: string | undefined;
}

export type DropReason = "praise" | "nit" | "low score";

export interface ScoreOptions {
  /** The cheaper model, e.g. a Haiku. */
  model: string;
  /** Drop findings scored below this (0-10). */
  threshold: number;
  profile: "chill" | "assertive";
  /** The most findings posted as inline comments; the rest go to the summary. */
  maxComments: number;
  signal?: AbortSignal;
}

export interface ScoreResult {
  /** To post as inline comments: most severe first, then best scored; at most `maxComments`. */
  comments: Scored[];
  /** Good enough but over the cap: listed in the summary. */
  notPosted: Scored[];
  dropped: { finding: Finding; why: DropReason }[];
  /** Set when the scoring call failed or answered nothing usable: say so in the summary. */
  note: string | undefined;
  modelCalls: number;
  usage: Usage;
}

export async function scoreFindings(
  client: ModelClient,
  inputs: ScoreInput[],
  options: ScoreOptions,
): Promise<ScoreResult> {
  const dropped: ScoreResult["dropped"] = [];
  const candidates: ScoreInput[] = [];
  for (const input of inputs) {
    if (isPraise(input.finding)) dropped.push({ finding: input.finding, why: "praise" });
    else if (input.finding.severity === "nit" && options.profile !== "assertive") {
      dropped.push({ finding: input.finding, why: "nit" });
    } else candidates.push(input);
  }
  let scores = new Map<number, { score: number; reason: string }>();
  let note: string | undefined;
  let usage = emptyUsage();
  let modelCalls = 0;
  if (candidates.length > 0) {
    modelCalls = 1;
    try {
      const response = await client.send({
        model: options.model,
        system: [{ text: SYSTEM }],
        messages: [{ role: "user", content: listFindings(candidates) }],
        tools: [scoreFindingsTool],
        maxTokens: 256 + 64 * candidates.length,
        signal: options.signal,
      });
      usage = response.usage;
      scores = readScores(response.content, candidates.length);
      if (scores.size === 0) note = "The findings were not scored (the scoring model gave no usable scores).";
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      note = `The findings were not scored (the scoring call failed: ${why}); all were kept.`;
    }
  }
  const kept: Scored[] = [];
  candidates.forEach((input, i) => {
    const s = scores.get(i + 1);
    if (s && s.score < options.threshold) dropped.push({ finding: input.finding, why: "low score" });
    else kept.push({ ...input, score: s?.score, reason: s?.reason });
  });
  // Unscored findings sort as if at the threshold: kept, but after those the scorer vouched for.
  const rank = (s: Scored) => s.score ?? options.threshold;
  kept.sort((a, b) => compareSeverity(a.finding.severity, b.finding.severity) || rank(b) - rank(a));
  return {
    comments: kept.slice(0, options.maxComments),
    notPosted: kept.slice(options.maxComments),
    dropped,
    note,
    modelCalls,
    usage,
  };
}

function listFindings(inputs: ScoreInput[]): string {
  return inputs
    .map(({ finding: f, context }, i) => {
      const lines = f.startLine !== undefined ? `${f.startLine}-${f.line}` : `${f.line}`;
      return [
        `## Finding ${i + 1}: ${f.path}:${lines} (${f.severity}, ${f.category})`,
        f.title,
        f.body,
        f.suggestion !== undefined ? `Suggested replacement:\n${f.suggestion}` : "",
        fenced(context),
      ]
        .filter(Boolean)
        .join("\n");
    })
    .join("\n\n");
}

/** Scores by the finding's 1-based number; entries that do not parse are skipped, not fatal. */
function readScores(content: ContentBlock[], count: number): Map<number, { score: number; reason: string }> {
  const scores = new Map<number, { score: number; reason: string }>();
  for (const block of content) {
    if (block.type !== "tool_use" || block.name !== SCORE_TOOL) continue;
    const list = (block.input as { scores?: unknown } | null)?.scores;
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const e = entry as Record<string, unknown> | null;
      const parsed = Score.safeParse({
        index: toNumber(e?.index),
        score: toNumber(e?.score),
        reason: typeof e?.reason === "string" ? e.reason : "",
      });
      if (parsed.success && parsed.data.index >= 1 && parsed.data.index <= count) {
        if (!scores.has(parsed.data.index)) scores.set(parsed.data.index, parsed.data);
      }
    }
  }
  return scores;
}

const PRAISE_TITLE =
  /^(lgtm|looks (good|fine|great|correct)|nice|great|good (job|work|change|use|choice)|well done|excellent|clean|no (issues?|problems?|concerns?)( found)?|(this|the change) (is|looks) (fine|good|correct))\b/i;
const NO_OP_BODY = /\b(no (action|change)s? (is |are )?(needed|required)|nothing to (change|fix|do))\b/i;

/** A "finding" that only praises or asks for nothing: never worth a comment. */
export function isPraise(finding: Finding): boolean {
  return PRAISE_TITLE.test(finding.title.trim()) || NO_OP_BODY.test(finding.body);
}
