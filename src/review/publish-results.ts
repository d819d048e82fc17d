import { notReviewedReason, type NotReviewed } from "./diff/not-reviewed.js";
import type { FileNote, Finding } from "./findings/finding.js";
import { inlineCode } from "./post/markdown.js";
import { publishReview, type PlacedFinding, type PublishResult } from "./post/publish.js";
import type { ReportedReview } from "./review-chunks.js";
import type { ReadHeadFile, ReviewDeps, ReviewInput } from "./review-input.js";
import type { Spend } from "./spend.js";

export interface ReviewOutcome {
  /** The parts that reported, in order. */
  reports: ReportedReview[];
  /** Whether any part of the diff went to a reviewer. */
  anySent: boolean;
  notReviewed: NotReviewed[];
  /** The commit the review covers changes since; undefined when it covers the whole pull request. */
  sinceSha: string | undefined;
  inline: PlacedFinding[];
  notPosted: Finding[];
  notes: string[];
}

/** The review and the summary comment, posted; the spend so far goes into the summary's figures. */
export async function publishResults(
  input: ReviewInput,
  deps: Pick<ReviewDeps, "octokit" | "botLogin">,
  readFile: ReadHeadFile,
  outcome: ReviewOutcome,
  spend: Spend,
): Promise<PublishResult> {
  const { reports } = outcome;
  const { modelCalls, tokens, costUsd } = spend.totals();
  const unparsed = reports
    .map((r) => r.unparsed?.trim())
    .filter(Boolean)
    .join("\n\n");
  // The summary is looked up again rather than reused: a pause set while the review ran must stay.
  return publishReview(
    {
      octokit: deps.octokit,
      repo: input.repo,
      pullNumber: input.pull.number,
      botLogin: deps.botLogin,
      guard: input.guard,
      readFile,
    },
    {
      headSha: input.pull.headSha,
      summary: walkthrough(reports, outcome.anySent, outcome.notReviewed.length > 0, outcome.sinceSha),
      files: uniqueFiles(reports.flatMap((r) => r.report.files)),
      comments: outcome.inline,
      notPosted: outcome.notPosted,
      notReviewed: outcome.notReviewed.map((n) => ({ path: n.path, reason: notReviewedReason(n) })),
      unparsed: unparsed || undefined,
      notes: outcome.notes,
      stats: { modelCalls, tokens, costUsd },
      requestChanges: input.config.requestChanges,
    },
  );
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
