/**
 * One summary comment per pull request, updated in place: the walkthrough, what was not posted or
 * not reviewed, and a hidden marker with the head SHA reviewed, the findings posted so far, and the
 * findings listed only here (carried to the next review, see carry-findings.ts).
 */
import { z } from "zod";
import { createComment, updateComment } from "../../github/guarded-comments.js";
import { ourMarkedComments } from "../../github/marked-comments.js";
import type { OctokitLike, RepoRef } from "../../github/octokit-like.js";
import type { GuardConfig } from "../../guard/config.js";
import type { FileNote, Finding, Severity } from "../findings/finding.js";
import { CarriedFinding } from "./carry-findings.js";
import type { FixedFinding } from "./looks-fixed.js";
import { hiddenMarker, neutraliseMarkers } from "../../github/markers.js";
import { fenced, inlineCode, oneLine } from "./markdown.js";

export const SummaryMarker = z.object({
  /** The head the last finished review read; absent until a review finishes (a pause can come first). */
  headSha: z
    .string()
    .regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/)
    .optional(),
  /** Fingerprints of every finding posted on the pull request so far. */
  findings: z.array(z.string().regex(/^[0-9a-f]{16}$/)),
  /** Findings only ever listed in the summary, kept until their code changes; absent when none. */
  summaryOnly: z.array(CarriedFinding).optional(),
  /** `@patchwright pause` turned automatic review off for this pull request; absent when it is on. */
  paused: z.literal(true).optional(),
});
export type SummaryMarker = z.infer<typeof SummaryMarker>;

const summaryMarker = hiddenMarker({
  kind: "review",
  payload: SummaryMarker,
  encoding: { as: "json" },
  place: "end",
});

export function renderSummaryMarker(marker: SummaryMarker): string {
  return summaryMarker.render(marker);
}

/** A summary's text without the marker it ends with. */
export function withoutMarker(body: string): string {
  return summaryMarker.strip(body).trimEnd();
}

/** The marker the summary ends with (the last reviewed head SHA); undefined if there is none. */
export function readSummaryMarker(body: string | null | undefined): SummaryMarker | undefined {
  return summaryMarker.read(body);
}

export interface SummaryComment {
  id: number;
  /** The comment as it is on GitHub, marker included. */
  body: string;
  marker: SummaryMarker;
}

/** Our summary comment on the pull request: the first one with our marker posted by `botLogin`. */
export async function findSummary(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
  botLogin: string,
): Promise<SummaryComment | undefined> {
  const ours = ourMarkedComments(octokit, repo, number, { botLogin, read: readSummaryMarker });
  for await (const { comment, marker } of ours) return { id: comment.id, body: comment.body ?? "", marker };
  return undefined;
}

export interface UpsertSummary {
  body: string;
  marker: SummaryMarker;
  botLogin: string;
  guard: GuardConfig;
  /** The summary found earlier in the run (null: there is none), to save a lookup; looked up when left out. */
  existing?: SummaryComment | null | undefined;
}

/** Updates our summary comment, or creates it if the pull request has none yet. */
export async function upsertSummary(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
  options: UpsertSummary,
): Promise<{ commentId: number; created: boolean }> {
  const existing =
    options.existing === undefined
      ? await findSummary(octokit, repo, number, options.botLogin)
      : options.existing;
  // createComment and updateComment guard it with the marker kept, so even a withheld summary is found
  // and updated next time.
  const body = `${options.body}\n\n${renderSummaryMarker(options.marker)}`;
  if (existing) {
    await updateComment(octokit, repo, existing.id, body, options.guard);
    return { commentId: existing.id, created: false };
  }
  const posted = await createComment(octokit, repo, number, body, options.guard);
  return { commentId: posted.id, created: true };
}

const HEADING = "## patchwright review";

// Notices: lines under the heading about the pull request's review state rather than one review's
// findings (a pause, a review that failed). Each kind is replaced, never stacked.
const NOTICE_PREFIX = { paused: "> ⏸️ ", failed: "> ⚠️ " } as const;
export type NoticeKind = keyof typeof NOTICE_PREFIX;

export const PAUSED_NOTICE = `${NOTICE_PREFIX.paused}Automatic review is paused on this pull request.`;

/** The notice of a review that could not be finished: the earlier review's comments and marker stay. */
export function failureNotice(headSha: string, sentence: string): string {
  return (
    `${NOTICE_PREFIX.failed}The review of ${inlineCode(headSha.slice(0, 7))} could not be finished: ` +
    neutraliseMarkers(oneLine(sentence))
  );
}

/** A summary's text (marker removed) with its notice of `kind` replaced by `notice`, or removed. */
export function withNotice(text: string, kind: NoticeKind, notice: string | undefined): string {
  const lines = text.split("\n");
  const notices = new Map<NoticeKind, string>();
  let rest = lines;
  if (lines[0] === HEADING) {
    let i = 1;
    for (; i < lines.length; i++) {
      const line = lines[i]!;
      const found = (Object.keys(NOTICE_PREFIX) as NoticeKind[]).find((k) =>
        line.startsWith(NOTICE_PREFIX[k]),
      );
      if (found) notices.set(found, line);
      else if (line !== "") break;
    }
    rest = lines.slice(i);
  }
  if (notice === undefined) notices.delete(kind);
  else notices.set(kind, notice);
  const ordered = (Object.keys(NOTICE_PREFIX) as NoticeKind[]).flatMap((k) => notices.get(k) ?? []);
  return [HEADING, ...ordered, rest.join("\n").trim()].filter(Boolean).join("\n\n");
}

export interface SummaryInput {
  headSha: string;
  /** What the change does. */
  summary: string;
  files: FileNote[];
  notReviewed: { path: string; reason: string }[];
  /** Findings kept but over the comment cap. */
  notPosted: Finding[];
  /** Findings GitHub would not take as inline comments. */
  rejected: { finding: Finding; reason: string }[];
  looksFixed: FixedFinding[];
  /** The review model's answer that could not be read. */
  unparsed: string | undefined;
  /** Sentences on what went wrong or was skipped. */
  notes: string[];
  stats: { modelCalls: number; tokens: number; costUsd: number };
  /** Automatic review is paused on the pull request (this review was asked for). */
  paused?: boolean;
  /** Characters the marker needs beyond its usual size (carried findings): taken off the text's limit. */
  reserve?: number;
}

const BADGE: Record<Severity, string> = { critical: "🔴", major: "🟠", minor: "🟡", nit: "⚪" };
const MAX_UNPARSED_CHARS = 6_000;
/** GitHub's limit is 65,536 characters; the marker and the guard's notice need some room. */
const MAX_BODY_CHARS = 60_000;

/** The walkthrough, in markdown. Model text is defused of markers; empty sections are left out. */
export function renderSummary(input: SummaryInput): string {
  const text = (s: string) => neutraliseMarkers(s.trim());
  const sections: string[] = [
    HEADING,
    ...(input.paused ? [PAUSED_NOTICE] : []),
    text(input.summary) || "_The review gave no overview of the change._",
  ];
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) sections.push(`### ${title}\n\n${lines.join("\n")}`);
  };
  section(
    "Files",
    input.files.map((f) => `- ${inlineCode(f.path)}: ${text(oneLine(f.note))}`),
  );
  section(
    "Earlier findings that look fixed",
    input.looksFixed.map(
      (f) =>
        `- ${f.url === undefined ? text(oneLine(f.title)) : `[${text(oneLine(f.title))}](${f.url})`} in ${inlineCode(f.path)}: ` +
        (f.why === "file gone" ? "the file is gone." : "the code it was about has changed."),
    ),
  );
  section(
    "More findings, not posted as comments",
    input.notPosted.map((f) => collapsed(f)),
  );
  section(
    "Findings GitHub did not accept as comments",
    input.rejected.map((r) => collapsed(r.finding, r.reason)),
  );
  section(
    "Not reviewed",
    input.notReviewed.map((n) => `- ${inlineCode(n.path)}: ${text(oneLine(n.reason))}`),
  );
  section(
    "Notes",
    input.notes.map((n) => `- ${text(oneLine(n))}`),
  );
  if (input.unparsed !== undefined && input.unparsed.trim() !== "") {
    const raw = input.unparsed.slice(0, MAX_UNPARSED_CHARS);
    const cut = raw.length < input.unparsed.length ? "\n\n_(cut)_" : "";
    sections.push(
      "### Could not be parsed\n\n<details><summary>Part of the review could not be read; here it is as the model wrote it.</summary>\n\n" +
        `${fenced(neutraliseMarkers(raw), "text")}${cut}\n\n</details>`,
    );
  }
  const { modelCalls, tokens, costUsd } = input.stats;
  sections.push(
    `<sub>Reviewed up to ${inlineCode(input.headSha.slice(0, 7))} · ${modelCalls} model call${modelCalls === 1 ? "" : "s"} · ` +
      `${tokens.toLocaleString("en-US")} tokens · $${costUsd.toFixed(costUsd < 1 ? 4 : 2)}</sub>`,
  );
  const body = sections.join("\n\n");
  const max = MAX_BODY_CHARS - (input.reserve ?? 0);
  return body.length <= max
    ? body
    : `${body.slice(0, max)}\n\n_(The summary was cut: it was too long for one comment.)_`;
}

/** A finding as a collapsed list entry: the line says what and where, the explanation is inside. */
function collapsed(f: Finding, reason?: string): string {
  const where = f.startLine !== undefined ? `${f.path}:${f.startLine}-${f.line}` : `${f.path}:${f.line}`;
  const title = escapeHtml(neutraliseMarkers(oneLine(f.title)));
  const why = reason !== undefined ? `\n\nGitHub said: ${neutraliseMarkers(oneLine(reason))}` : "";
  return (
    `- <details><summary>${BADGE[f.severity]} ${f.severity} · <code>${escapeHtml(where)}</code> · ${title}</summary>\n\n` +
    `  ${neutraliseMarkers(f.body.trim()).replace(/\n/g, "\n  ")}${why.replace(/\n/g, "\n  ")}\n\n  </details>`
  );
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
