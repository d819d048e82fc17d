import { z } from "zod";

// Nothing the pull request changed may vanish from a review unannounced: whatever the pipeline leaves
// out is recorded here, with why, for the review's summary.

export const NotReviewedReason = z.enum([
  /** Not matched by `review.paths.include`, or matched by `review.paths.exclude`. */
  "config",
  "lockfile",
  "generated",
  "vendored",
  "minified",
  /** Binary or too large: no patch from GitHub, the comparison or the clone. */
  "no-diff",
  /** A rename, copy or mode change without changed lines. */
  "no-text-change",
  "unparseable",
  "deleted",
  /** A hunk that only removes lines: nothing on the new side to comment on. */
  "deletion-only",
  /** Past what the model calls allowed for the review could hold. */
  "budget",
  /** Its reviewer stopped at a limit (time, cost) before it reported. */
  "limit",
]);
export type NotReviewedReason = z.infer<typeof NotReviewedReason>;

export const NotReviewed = z.object({
  path: z.string(),
  reason: NotReviewedReason,
  /** Why, in words for the summary. */
  detail: z.string(),
  /** For part of a file: the lines left out, on the side they exist on (old for removed lines). */
  lines: z
    .object({ side: z.enum(["old", "new"]), start: z.number().int(), end: z.number().int() })
    .optional(),
});
export type NotReviewed = z.infer<typeof NotReviewed>;

/** One Markdown list item per entry, for the "not reviewed" part of a review summary. */
export function formatNotReviewed(items: readonly NotReviewed[]): string[] {
  return items.map(
    (item) => `- ${codeSpan(item.path)}${item.lines ? ` ${lineRange(item.lines)}` : ""}: ${item.detail}`,
  );
}

/** Why an entry was left out, with the lines it covers when it is part of a file: "lines 4–9: …". */
export function notReviewedReason(item: NotReviewed): string {
  return item.lines ? `${lineRange(item.lines)}: ${item.detail}` : item.detail;
}

function lineRange({ side, start, end }: NonNullable<NotReviewed["lines"]>): string {
  const what = side === "old" ? "removed line" : "line";
  return start === end ? `${what} ${start}` : `${what}s ${start}–${end}`;
}

/** A path in backticks, with longer fences when the path holds a backtick itself. */
function codeSpan(text: string): string {
  const fence = "`".repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  return fence.length > 1 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}
