import { z } from "zod";
import type { OctokitLike, RepoRef } from "../github/octokit-like.js";
import { sameLogin } from "../request/permissions.js";
import { sanitizeUserText } from "../request/sanitize-text.js";

// One GraphQL query: REST cannot tell an edited issue body from an issue with new comments, nor
// resolved review threads from open ones; GraphQL has `lastEditedAt` and `isResolved`.
const QUERY = `query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    issueOrPullRequest(number: $number) {
      __typename
      ... on Issue { title body createdAt lastEditedAt author { login }
        comments(last: 50) { nodes { databaseId body createdAt lastEditedAt author { login } } } }
      ... on PullRequest { title body createdAt lastEditedAt author { login }
        comments(last: 50) { nodes { databaseId body createdAt lastEditedAt author { login } } }
        reviewThreads(last: 50) { nodes { isResolved isOutdated path line
          comments(first: 20) { nodes { databaseId body createdAt lastEditedAt author { login } } } } } }
    }
  }
}`;

const Text = z.object({
  databaseId: z.number().nullable().optional(),
  body: z.string(),
  createdAt: z.string(),
  lastEditedAt: z.string().nullable(),
  author: z.object({ login: z.string() }).nullable(),
});
type Text = z.infer<typeof Text>;

const Thread = z.object({
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
  lastEditedAt: z.string().nullable(),
  author: z.object({ login: z.string() }).nullable(),
  comments: z.object({ nodes: z.array(Text) }),
  reviewThreads: z
    .object({
      nodes: z.array(
        z.object({
          isResolved: z.boolean(),
          isOutdated: z.boolean(),
          path: z.string(),
          line: z.number().nullable(),
          comments: z.object({ nodes: z.array(Text) }),
        }),
      ),
    })
    .optional(),
});

const Response = z.object({
  repository: z.object({ issueOrPullRequest: Thread.nullable() }).nullable(),
});

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
  const { data } = await octokit.request("POST /graphql", {
    query: QUERY,
    variables: { owner: repo.owner, name: repo.repo, number },
  });
  const thread = Response.parse(unwrap(data)).repository?.issueOrPullRequest;
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
      !sameLogin(c.author?.login ?? "", o.botLogin),
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

function comment(c: Text, edited: boolean): string[] {
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

/** Octokit's `request` returns GraphQL's envelope; errors in it mean the query failed. */
function unwrap(data: unknown): unknown {
  const envelope = z
    .object({ data: z.unknown().optional(), errors: z.array(z.object({ message: z.string() })).optional() })
    .parse(data);
  if (envelope.errors?.length) throw new Error(`GitHub's GraphQL API said: ${envelope.errors[0]!.message}`);
  return envelope.data;
}
