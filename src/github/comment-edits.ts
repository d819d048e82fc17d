import { z } from "zod";
import { sameLogin } from "../request/permissions.js";
import type { OctokitLike } from "./octokit-like.js";

// Who wrote and who edited a comment, from GitHub's own edit history: REST says only when a comment was
// last updated, GraphQL says by whom. GraphQL names an App's bot `patchwright` (a Bot) where REST says
// `patchwright[bot]`; the type is what tells the bot from a person who took the same name.
const QUERY = `query($id: ID!, $after: String) {
  node(id: $id) {
    __typename
    ... on IssueComment {
      author { __typename login }
      editor { __typename login }
      lastEditedAt
      userContentEdits(first: 100, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { editor { __typename login } }
      }
    }
  }
}`;

const Actor = z.object({ __typename: z.string(), login: z.string() }).nullable();
/** An account as GraphQL names it; `null` is a deleted account (GitHub's "ghost"). */
export type Actor = z.infer<typeof Actor>;

const Comment = z.object({
  __typename: z.string(),
  author: Actor.optional(),
  editor: Actor.optional(),
  lastEditedAt: z.string().nullable().optional(),
  userContentEdits: z
    .object({
      totalCount: z.number(),
      pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
      nodes: z.array(z.object({ editor: Actor }).nullable()),
    })
    .nullable()
    .optional(),
});
type Comment = z.infer<typeof Comment>;

const Response = z.object({ node: Comment.nullable() });

export interface CommentEdits {
  author: Actor;
  /** The last editor, when the comment was edited. */
  lastEditor: Actor | undefined;
  lastEditedAt: string | null;
  /** The editor of every revision in the history, creation included once edited. */
  editors: Actor[];
  /** False when the history had more revisions than were read. */
  complete: boolean;
}

/** Read at most this many pages of 100 revisions; a tracking comment's progress edits stay far below. */
const PAGES = 10;

/** An issue or pull request comment's author and edit history; undefined if there is no such comment. */
export async function commentEdits(octokit: OctokitLike, nodeId: string): Promise<CommentEdits | undefined> {
  let after: string | null = null;
  let first: Comment | undefined;
  const editors: Actor[] = [];
  for (let page = 0; page < PAGES; page++) {
    const node: Comment | null = Response.parse(await octokit.graphql(QUERY, { id: nodeId, after })).node;
    if (!node || node.__typename !== "IssueComment") return undefined;
    first ??= node;
    const history: Comment["userContentEdits"] = node.userContentEdits;
    for (const revision of history?.nodes ?? []) editors.push(revision?.editor ?? null);
    const next: string | null = history?.pageInfo.hasNextPage ? history.pageInfo.endCursor : null;
    if (!next) return summary(first, editors, true);
    after = next;
  }
  return first && summary(first, editors, false);
}

function summary(node: Comment, editors: Actor[], complete: boolean): CommentEdits {
  return {
    author: node.author ?? null,
    lastEditor: node.lastEditedAt ? (node.editor ?? null) : undefined,
    lastEditedAt: node.lastEditedAt ?? null,
    editors,
    complete,
  };
}

/**
 * Whether a GraphQL actor is the account we act as. `login` is REST's form (`patchwright[bot]`), or a
 * setting that may leave `[bot]` out: a bot matches either way, a person only by the exact login.
 */
export function isAccount(actor: Actor, login: string): boolean {
  if (!actor) return false;
  if (actor.__typename === "Bot") {
    return sameLogin(`${actor.login}[bot]`, login) || sameLogin(`${actor.login}[bot]`, `${login}[bot]`);
  }
  return sameLogin(actor.login, login);
}

/** How a person reads an actor's login. */
export function loginOf(actor: Actor): string {
  if (!actor) return "ghost";
  return actor.__typename === "Bot" ? `${actor.login}[bot]` : actor.login;
}
