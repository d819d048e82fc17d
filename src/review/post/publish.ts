/**
 * The posting half of a review run, end to end: skip findings already on the pull request, post the
 * new ones as one review, see which earlier ones look fixed, carry the earlier summary-only ones whose
 * code is unchanged, and update the one summary comment.
 */
import type { OctokitLike, RepoRef } from "../../github/octokit-like.js";
import type { GuardConfig } from "../../guard/config.js";
import { isBlocking, type FileNote, type Finding } from "../findings/finding.js";
import {
  carriedChars,
  carryOver,
  fromCarried,
  toCarried,
  withinBudget,
  type CarriedFinding,
} from "./carry-findings.js";
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
  /** Summary-only findings of earlier reviews listed again: their code has not changed. */
  carried: number;
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
  const readFile = (path: string) => {
    if (!files.has(path)) files.set(path, deps.readFile(path));
    return files.get(path)!;
  };
  const fingerprintOf = async (f: Finding) => {
    const text = (await readFile(f.path)) ?? "";
    return fingerprint(f, codeContext(text, f.startLine ?? f.line, f.line));
  };
  const stillFound = new Set<string>();
  const fresh: { placed: PlacedFinding; fp: string }[] = [];
  for (const placed of input.comments) {
    const fp = await fingerprintOf(placed.finding);
    if (!known.has(fp) && !stillFound.has(fp)) fresh.push({ placed, fp });
    stillFound.add(fp);
  }
  const notPosted: { finding: Finding; fp: string }[] = [];
  for (const finding of input.notPosted) {
    const fp = await fingerprintOf(finding);
    if (!known.has(fp) && !stillFound.has(fp)) notPosted.push({ finding, fp });
    stillFound.add(fp);
  }
  // Summary-only findings of earlier reviews: nothing else would remember them.
  const carried = await carryOver(
    summaryComment?.marker.summaryOnly ?? [],
    readFile,
    new Set([...known, ...stillFound]),
  );

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

  const fixed = [...(await looksFixed(earlier, readFile, stillFound)), ...carried.fixed];
  const postedFps = result.posted.map((c) => byComment.get(c)!.fp);
  const findings = [...new Set([...known, ...postedFps])].slice(-MAX_MARKER_FINDINGS);
  const rejected = result.rejected.map((r) => ({ ...byComment.get(r.comment)!, reason: r.reason }));
  const summaryOnly: CarriedFinding[] = [];
  for (const { finding, fp } of [...notPosted, ...rejected]) {
    const entry = toCarried(finding, fp, await readFile(finding.path));
    if (entry) summaryOnly.push(entry);
  }
  const carry = withinBudget([...summaryOnly, ...carried.kept], guard);
  const body = renderSummary({
    headSha: input.headSha,
    summary: input.summary,
    files: input.files,
    notReviewed: input.notReviewed,
    notPosted: [...notPosted.map((n) => n.finding), ...carried.kept.map(fromCarried)],
    rejected: rejected.map((r) => ({ finding: r.finding, reason: r.reason })),
    looksFixed: fixed,
    unparsed: input.unparsed,
    notes: result.error === undefined ? input.notes : [...input.notes, result.error],
    stats: input.stats,
    paused: summaryComment?.marker.paused === true,
    reserve: carriedChars(carry),
  });
  const summary = await upsertSummary(octokit, repo, pullNumber, {
    body,
    // A pause outlives reviews: only `resume` ends it.
    marker: {
      headSha: input.headSha,
      findings,
      ...(carry.length > 0 && { summaryOnly: carry }),
      ...(summaryComment?.marker.paused && { paused: true }),
    },
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
    carried: carried.kept.length,
    summaryCommentId: summary.commentId,
  };
}
