import type { Finding } from "./findings/finding.js";
import type { ScoreResult } from "./findings/score.js";
import type { PlacedFinding } from "./post/publish.js";

export interface InlineChoice {
  /** To post as inline comments, most important first: at most the config's `maxComments`. */
  inline: PlacedFinding[];
  /** Kept, but listed in the summary: over the cap, or not on a line of the diff. */
  notPosted: Finding[];
  /** Sentences for the summary: why findings are listed there, or left out. */
  notes: string[];
}

/** Which of the scored findings become inline comments and which the summary lists. */
export function chooseInline(
  placed: readonly PlacedFinding[],
  scored: Pick<ScoreResult, "comments" | "dropped">,
  maxComments: number,
): InlineChoice {
  const byFinding = new Map<Finding, PlacedFinding>(placed.map((p) => [p.finding, p]));
  const inline: PlacedFinding[] = [];
  const notPosted: Finding[] = [];
  for (const { finding } of scored.comments) {
    const onDiff = byFinding.get(finding);
    if (onDiff && inline.length < maxComments) inline.push(onDiff);
    else notPosted.push(finding);
  }
  const notes: string[] = [];
  const outsideKept = notPosted.filter((f) => !byFinding.has(f)).length;
  if (outsideKept > 0) {
    notes.push(
      `${outsideKept} finding${outsideKept === 1 ? " is" : "s are"} about lines outside the diff, so ${outsideKept === 1 ? "it is" : "they are"} listed here instead of inline.`,
    );
  }
  const weak = scored.dropped.filter((d) => d.why === "low score").length;
  if (weak > 0)
    notes.push(`${weak} weaker finding${weak === 1 ? " was" : "s were"} left out by the scoring pass.`);
  return { inline, notPosted, notes };
}
