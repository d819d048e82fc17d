import type { Finding, Severity } from "../findings/finding.js";
import { renderFingerprint } from "./fingerprint.js";
import { neutraliseMarkers } from "../../github/markers.js";
import { fenced, oneLine } from "./markdown.js";

const BADGE: Record<Severity, string> = {
  critical: "🔴 **Critical**",
  major: "🟠 **Major**",
  minor: "🟡 **Minor**",
  nit: "⚪ **Nit**",
};

export interface CommentOptions {
  fingerprint: string;
  /**
   * The comment sits on exactly the lines the suggestion replaces. Only then is a ```suggestion
   * block safe: GitHub applies it to the commented lines, whatever the model meant.
   */
  exactRange: boolean;
}

/** One inline comment: badge, title, explanation, a suggestion when it can be applied, the fingerprint. */
export function renderReviewComment(finding: Finding, options: CommentOptions): string {
  const parts = [
    `${BADGE[finding.severity]} · _${finding.category}_`,
    `**${neutraliseMarkers(oneLine(finding.title))}**`,
    neutraliseMarkers(finding.body.trim()),
  ];
  if (finding.suggestion !== undefined && options.exactRange)
    parts.push(fenced(finding.suggestion, "suggestion"));
  parts.push(renderFingerprint(options.fingerprint));
  return parts.join("\n\n");
}

const TITLE = /^\*\*(.+)\*\*$/m;

/** The title of a comment `renderReviewComment` wrote, for the summary's "looks fixed" list. */
export function readCommentTitle(body: string): string | undefined {
  return TITLE.exec(body)?.[1];
}

/** The review's own body: short, since the walkthrough lives in the one summary comment. */
export function renderReviewBody(commentCount: number, headSha: string): string {
  const s = commentCount === 1 ? "" : "s";
  return (
    `**patchwright** left ${commentCount} comment${s} on \`${headSha.slice(0, 7)}\`. ` +
    "The walkthrough, and anything not posted inline, is in the summary comment."
  );
}
