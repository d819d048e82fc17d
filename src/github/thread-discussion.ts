import { z } from "zod";
import type { OctokitLike, RepoRef } from "./octokit-like.js";

// One GraphQL query: REST cannot tell an edited issue body from an issue with new comments, nor
// resolved review threads from open ones; GraphQL has `lastEditedAt` and `isResolved`.
// `__typename` on authors: GraphQL names an App's bot `patchwright` (a Bot), where REST and webhooks say
// `patchwright[bot]`; the type is what tells the bot from a person who took the same name.
// A pull request's last commits come along so a revert of patchwright's work is seen without another request.
const QUERY = `query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    issueOrPullRequest(number: $number) {
      __typename
      ... on Issue { title body createdAt lastEditedAt author { __typename login }
        comments(last: 50) { nodes { databaseId body createdAt lastEditedAt author { __typename login } } } }
      ... on PullRequest { title body createdAt lastEditedAt author { __typename login }
        comments(last: 50) { nodes { databaseId body createdAt lastEditedAt author { __typename login } } }
        reviewThreads(last: 50) { nodes { isResolved isOutdated path line
          comments(first: 20) { nodes { databaseId body createdAt lastEditedAt author { __typename login } } } } }
        commits(last: 50) { nodes { commit { oid message authoredDate author { name email user { login } } } } } }
    }
  }
}`;

/** An Actor as GraphQL gives it, turned into the login REST and webhooks use (`name[bot]` for a bot). */
const Author = z
  .object({ __typename: z.string(), login: z.string() })
  .nullable()
  .transform((a) =>
    a === null
      ? null
      : { login: a.__typename === "Bot" ? `${a.login}[bot]` : a.login, bot: a.__typename === "Bot" },
  );

/** A description or a comment: who wrote it, when, and whether it was edited since. */
export const ThreadText = z.object({
  databaseId: z.number().nullable().optional(),
  body: z.string(),
  createdAt: z.string(),
  lastEditedAt: z.string().nullable(),
  author: Author,
});
export type ThreadText = z.infer<typeof ThreadText>;

/**
 * A commit on a pull request. Its git author as GitHub gives it: `user` only when the email belongs to a
 * user account, so never for an App's bot, whose commits carry only the name and email git was given.
 */
export const PullRequestCommit = z.object({
  oid: z.string(),
  message: z.string(),
  authoredDate: z.string(),
  author: z
    .object({
      name: z.string().nullable(),
      email: z.string().nullable(),
      user: z.object({ login: z.string() }).nullable(),
    })
    .nullable(),
});
export type PullRequestCommit = z.infer<typeof PullRequestCommit>;

/**
 * An issue or pull request: its description, its last 50 comments, and on a pull request its review
 * threads and its last 50 commits.
 */
export const ThreadDiscussion = z.object({
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
  lastEditedAt: z.string().nullable(),
  author: Author,
  comments: z.object({ nodes: z.array(ThreadText) }),
  reviewThreads: z
    .object({
      nodes: z.array(
        z.object({
          isResolved: z.boolean(),
          isOutdated: z.boolean(),
          path: z.string(),
          line: z.number().nullable(),
          comments: z.object({ nodes: z.array(ThreadText) }),
        }),
      ),
    })
    .optional(),
  commits: z.object({ nodes: z.array(z.object({ commit: PullRequestCommit })) }).optional(),
});
export type ThreadDiscussion = z.infer<typeof ThreadDiscussion>;

const Response = z.object({
  repository: z.object({ issueOrPullRequest: ThreadDiscussion.nullable() }).nullable(),
});

/** Issue or pull request `number` with its discussion; undefined when the repository has no such number. */
export async function getThreadDiscussion(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
): Promise<ThreadDiscussion | undefined> {
  const data = await octokit
    .graphql(QUERY, { owner: repo.owner, name: repo.repo, number })
    .catch((err: unknown) => {
      throw graphqlError(err);
    });
  return Response.parse(data).repository?.issueOrPullRequest ?? undefined;
}

/** Octokit's GraphqlResponseError carries GitHub's `errors`: the first one, in GitHub's words. */
function graphqlError(err: unknown): unknown {
  const answer = z.object({ errors: z.array(z.object({ message: z.string() })).min(1) }).safeParse(err);
  return answer.success ? new Error(`GitHub's GraphQL API said: ${answer.data.errors[0]!.message}`) : err;
}
