import type { OctokitLike, RepoRef } from "../github/octokit-like.js";
import { getThreadDiscussion, type ThreadText } from "../github/thread-discussion.js";
import { sameLogin } from "../request/permissions.js";
import { sanitizeUserText } from "../request/sanitize-text.js";

export interface ThreadContext {
  title: string;
  /** The thread as quoted data for the model: never instructions. */
  text: string;
}

const MAX_TEXT = 4000;

/**
 * The issue or pull request a request was made on, as data: title, description, the comments written
 * before the request (edited after it: left out, since anyone could have changed them), and on a pull
 * request the review threads that are not resolved. The triggering comment itself is the instruction.
 */
export async function threadContext(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
  o: { triggerAt: string; triggerCommentId?: number | undefined; botLogin: string },
): Promise<ThreadContext> {
  const thread = await getThreadDiscussion(octokit, repo, number);
  if (!thread) throw new Error(`#${number} was not found in ${repo.owner}/${repo.repo}.`);
  const at = Date.parse(o.triggerAt);
  const edited = (t: { lastEditedAt: string | null }): boolean =>
    t.lastEditedAt !== null && Date.parse(t.lastEditedAt) > at;
  const lines = [
    `Title: ${oneLine(sanitizeUserText(thread.title))}`,
    "",
    `Description by @${thread.author?.login ?? "ghost"}:`,
    edited(thread) ? "> (edited after the request: not shown)" : quote(thread.body),
  ];
  const comments = thread.comments.nodes.filter(
    (c) =>
      Date.parse(c.createdAt) <= at &&
      c.databaseId !== o.triggerCommentId &&
      // Our own tracking comments are progress reports, not part of the discussion.
      !isOurs(c.author, o.botLogin),
  );
  if (comments.length) lines.push("", "Comments, oldest first:");
  for (const c of comments) lines.push("", ...comment(c, edited(c)));
  const open = (thread.reviewThreads?.nodes ?? []).filter((t) => !t.isResolved);
  if (open.length) lines.push("", "Review threads that are not resolved:");
  for (const t of open) {
    lines.push("", `On ${t.path}${t.line ? `:${t.line}` : ""}${t.isOutdated ? " (outdated)" : ""}:`);
    for (const c of t.comments.nodes.filter((c) => Date.parse(c.createdAt) <= at))
      lines.push(...comment(c, edited(c)));
  }
  return { title: oneLine(sanitizeUserText(thread.title)), text: lines.join("\n") };
}

/**
 * Whether GraphQL's author is the account we act as. `botLogin` is REST's form (`patchwright[bot]`), or a
 * surface's setting that may leave `[bot]` out: a bot matches either way, a person only by the exact login.
 */
export function isOurs(author: ThreadText["author"], botLogin: string): boolean {
  if (!author) return false;
  return sameLogin(author.login, botLogin) || (author.bot && sameLogin(author.login, `${botLogin}[bot]`));
}

function comment(c: ThreadText, edited: boolean): string[] {
  return [
    `@${c.author?.login ?? "ghost"} at ${c.createdAt}:`,
    edited ? "> (edited after the request: not shown)" : quote(c.body),
  ];
}

function quote(text: string): string {
  const clean = sanitizeUserText(text).trim();
  if (!clean) return "> (empty)";
  const cut = clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}\n…(cut)` : clean;
  return cut
    .split("\n")
    .map((l) => `> ${l}`)
    .join("\n");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
