import { costUsd } from "../agent/model/prices.js";
import type { Hunk } from "./diff/patch.js";
import type { Finding } from "./findings/finding.js";
import { DEFAULT_SCORE_THRESHOLD, scoreFindings, type ScoreResult } from "./findings/score.js";
import { placeFindings, scoreContext } from "./place-findings.js";
import type { PlacedFinding } from "./post/publish.js";
import { REVIEW_DEFAULTS, type ReadHeadFile, type ReviewDeps, type ReviewInput } from "./review-input.js";
import type { Spend } from "./spend.js";

export interface ScoredFindings {
  /** The findings on a line of the diff, placed there: those that may go inline. */
  placed: PlacedFinding[];
  scored: ScoreResult;
  /** A sentence for the summary when the scoring pass did not work. */
  notes: string[];
}

/**
 * Every finding checked against the diff, then all of them scored together by the cheaper model and
 * uncapped: the cap is applied after, so findings off the diff cannot take an inline comment's place.
 */
export async function scoreReviewFindings(
  findings: readonly Finding[],
  hunksByPath: ReadonlyMap<string, Hunk[]>,
  input: ReviewInput,
  deps: Pick<ReviewDeps, "model" | "scoringModel" | "signal">,
  readFile: ReadHeadFile,
  spend: Spend,
): Promise<ScoredFindings> {
  const { placed, outside } = placeFindings(findings, hunksByPath);
  const scoringModel = deps.scoringModel ?? REVIEW_DEFAULTS.scoringModel;
  const scoreInputs = await Promise.all(
    [...placed.map((p) => p.finding), ...outside].map(async (finding) => ({
      finding,
      context: scoreContext(await readFile(finding.path), finding),
    })),
  );
  const scored = await scoreFindings(deps.model, scoreInputs, {
    model: scoringModel,
    threshold: DEFAULT_SCORE_THRESHOLD,
    profile: input.config.profile,
    maxComments: scoreInputs.length,
    ...(deps.signal && { signal: deps.signal }),
  });
  spend.add({
    modelCalls: scored.modelCalls,
    usage: scored.usage,
    costUsd: costUsd(scoringModel, scored.usage).usd,
  });
  return { placed, scored, notes: scored.note ? [scored.note] : [] };
}
