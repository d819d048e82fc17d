import { z } from "zod";
import type { GuardConfig } from "../guard/config.js";
import { scanText } from "../guard/scan.js";
import { trailingMarkers } from "./markers.js";
import type { OctokitLike, RepoRef } from "./octokit-like.js";

const Comment = z.object({
  id: z.number(),
  html_url: z.string(),
  body: z.string().nullable().optional(),
  user: z.object({ login: z.string() }).nullable().optional(),
});
export type PostedComment = z.infer<typeof Comment>;

/**
 * The words patchwright uses when the leak guard stops something it was about to send: a run's or memory
 * notes' block, and the notice that replaces a withheld text. `buddy` finds its guard blocks on GitHub by
 * them, so they are written once, here.
 */
export const GUARD_BLOCKED = "the leak guard blocked";
export const WITHHELD = "patchwright withheld this message";

/**
 * Every text patchwright posts passes the leak guard first. A text with findings is not posted: a notice
 * naming the rules (never the values) goes out instead, so nothing leaks and the person still learns why.
 */
export function guardOutbound(body: string, guard: GuardConfig): string {
  let findings;
  try {
    findings = scanText(body, guard);
  } catch {
    // Fail closed: if the text cannot be scanned, it does not leave.
    return `${WITHHELD}: the leak guard could not scan it.`;
  }
  if (findings.length === 0) return body;
  const rules = [...new Set(findings.map((f) => `\`${f.ruleId}\``))].join(", ");
  return `${WITHHELD}: the leak guard found ${findings.length} possible leak(s) (${rules}). The full text stays in the run's log, redacted.`;
}

/**
 * The leak guard on a body ending in our markers: the text before them is checked on its own (a
 * withheld text becomes the guard's notice), then the whole again, so a marker never passes
 * unchecked but survives a withheld message — it is what keeps a run from starting twice.
 */
export function guardKeepingMarkers(body: string, guard: GuardConfig): string {
  const markers = trailingMarkers(body);
  if (!markers) return guardOutbound(body, guard);
  const text = body.slice(0, body.length - markers.length);
  return guardOutbound(`${guardOutbound(text, guard)}${markers}`, guard);
}

export async function createComment(
  octokit: OctokitLike,
  repo: RepoRef,
  issueNumber: number,
  body: string,
  guard: GuardConfig,
): Promise<PostedComment> {
  const { data } = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...repo,
    issue_number: issueNumber,
    body: guardKeepingMarkers(body, guard),
  });
  return Comment.parse(data);
}

export async function updateComment(
  octokit: OctokitLike,
  repo: RepoRef,
  commentId: number,
  body: string,
  guard: GuardConfig,
): Promise<void> {
  await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
    ...repo,
    comment_id: commentId,
    body: guardKeepingMarkers(body, guard),
  });
}
