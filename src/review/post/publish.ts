/**
 * The posting half of a review run, end to end: skip findings already on the pull request, post the
 * new ones as one review, see which earlier ones look fixed, and update the one summary comment.
 */
import type { OctokitLike, RepoRef } from "../../github/octokit-like.js";
import type { GuardConfig } from "../../guard/config.js";
import { isBlocking, type FileNote, type Finding } from "../findings/finding.js";
import { codeContext, fingerprint } from "./fingerprint.js";
import { looksFixed, type FixedFinding } from "./looks-fixed.js";
import { listPostedFingerprints, postReview, type ReviewComment } from "./post-review.js";
import { renderReviewBody, renderReviewComment } from "./review-comment.js";
import {
  findSummary,
  renderSummary,
  upsertSummary,
  type SummaryComment,
  type SummaryInput,
} from "./summary-comment.js";

export interface PlacedFinding {
  /** Its line (and startLine) already placed inside a hunk on the new side of the diff. */
  finding: Finding;
  /** The range is exactly the lines the suggestion replaces, so a ```suggestion block is safe. */
  exactRange: boolean;
}

export interface PublishDeps {
  octokit: OctokitLike;
  repo: RepoRef;
  pullNumber: number;
  botLogin: string;
  guard: GuardConfig;
  /** A file's text at the reviewed head; undefined when it does not exist there. */
  readFile: (path: string) => Promise<string | undefined>;
}

export interface PublishInput {
  headSha: string;
  summary: string;
  files: FileNote[];
  /** The findings to post inline, most important first (already scored and capped). */
  comments: PlacedFinding[];
  /** Findings kept but over the cap. */
  notPosted: Finding[];
  notReviewed: SummaryInput["notReviewed"];
  unparsed: string | undefined;
  notes: string[];
  stats: SummaryInput["stats"];
  /** `review.requestChanges`: REQUEST_CHANGES when a blocking finding is posted. */
  requestChanges: boolean;
  /** The summary comment if the caller already looked it up (null: there is none); looked up if left out. */
  summaryComment?: SummaryComment | null;
}

export interface PublishResult {
  reviewId: number | undefined;
  posted: number;
  /** Findings skipped because an earlier run posted them. */
  alreadyPosted: number;
  rejected: number;
  looksFixed: FixedFinding[];
  summaryCommentId: number;
}

/** The marker keeps this many fingerprints, the newest: enough for any real pull request. */
const MAX_MARKER_FINDINGS = 1_000;

export async function publishReview(deps: PublishDeps, input: PublishInput): Promise<PublishResult> {
  const { octokit, repo, pullNumber, botLogin, guard } = deps;
  const [summaryComment, earlier] = await Promise.all([
    input.summaryComment === undefined
      ? findSummary(octokit, repo, pullNumber, botLogin)
      : Promise.resolve(input.summaryComment ?? undefined),
    listPostedFingerprints(octokit, repo, pullNumber, botLogin),
  ]);
  const known = new Set([...(summaryComment?.marker.findings ?? []), ...earlier.map((e) => e.fingerprint)]);

  const files = new Map<string, Promise<string | undefined>>();
  const fingerprintOf = async (f: Finding) => {
    if (!files.has(f.path)) files.set(f.path, deps.readFile(f.path));
    const text = (await files.get(f.path)) ?? "";
    return fingerprint(f, codeContext(text, f.startLine ?? f.line, f.line));
  };
  const stillFound = new Set<string>();
  const fresh: { placed: PlacedFinding; fp: string }[] = [];
  for (const placed of input.comments) {
    const fp = await fingerprintOf(placed.finding);
    if (!known.has(fp) && !stillFound.has(fp)) fresh.push({ placed, fp });
    stillFound.add(fp);
  }
  const notPosted: Finding[] = [];
  for (const f of input.notPosted) {
    const fp = await fingerprintOf(f);
    if (!known.has(fp) && !stillFound.has(fp)) notPosted.push(f);
    stillFound.add(fp);
  }

  const byComment = new Map<ReviewComment, { finding: Finding; fp: string }>();
  for (const { placed, fp } of fresh) {
    const f = placed.finding;
    const comment: ReviewComment = {
      path: f.path,
      line: f.line,
      ...(f.startLine !== undefined && f.startLine < f.line ? { startLine: f.startLine } : {}),
      side: "RIGHT",
      body: renderReviewComment(f, { fingerprint: fp, exactRange: placed.exactRange }),
    };
    byComment.set(comment, { finding: f, fp });
  }
  const comments = [...byComment.keys()];
  const blocking = input.requestChanges && fresh.some(({ placed }) => isBlocking(placed.finding.severity));
  // Nothing new: no empty review, only the summary is brought up to date.
  const result =
    comments.length === 0
      ? { reviewId: undefined, posted: [], rejected: [], error: undefined }
      : await postReview(
          octokit,
          repo,
          pullNumber,
          {
            commitId: input.headSha,
            body: renderReviewBody(comments.length, input.headSha),
            event: blocking ? "REQUEST_CHANGES" : "COMMENT",
            comments,
          },
          guard,
        );

  const fixed = await looksFixed(earlier, deps.readFile, stillFound);
  const postedFps = result.posted.map((c) => byComment.get(c)!.fp);
  const findings = [...new Set([...known, ...postedFps])].slice(-MAX_MARKER_FINDINGS);
  const body = renderSummary({
    headSha: input.headSha,
    summary: input.summary,
    files: input.files,
    notReviewed: input.notReviewed,
    notPosted,
    rejected: result.rejected.map((r) => ({ finding: byComment.get(r.comment)!.finding, reason: r.reason })),
    looksFixed: fixed,
    unparsed: input.unparsed,
    notes: result.error === undefined ? input.notes : [...input.notes, result.error],
    stats: input.stats,
    paused: summaryComment?.marker.paused === true,
  });
  const summary = await upsertSummary(octokit, repo, pullNumber, {
    body,
    // A pause outlives reviews: only `resume` ends it.
    marker: { headSha: input.headSha, findings, ...(summaryComment?.marker.paused && { paused: true }) },
    botLogin,
    guard,
    existing: summaryComment ?? null,
  });
  return {
    reviewId: result.reviewId,
    posted: result.posted.length,
    alreadyPosted: input.comments.length - fresh.length,
    rejected: result.rejected.length,
    looksFixed: fixed,
    summaryCommentId: summary.commentId,
  };
}
