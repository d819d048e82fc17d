import { z } from "zod";
import { sameLogin } from "../request/permissions.js";
import type { OctokitLike, RepoRef } from "./octokit-like.js";
import { listPages } from "./paginate.js";

/** What is read of an issue or pull request comment when looking for our markers. */
export const IssueComment = z.looseObject({
  id: z.number(),
  node_id: z.string().optional(),
  body: z.string().nullable().optional(),
  user: z.looseObject({ login: z.string() }).nullable().optional(),
});
export type IssueComment = z.infer<typeof IssueComment>;

export interface MarkedComment<T> {
  comment: IssueComment;
  marker: T;
}

export interface MarkedCommentQuery<T> {
  /** The account we post as: only its comments count, since anyone can paste a marker into theirs. */
  botLogin: string;
  /** The marker's payload in a comment body, or undefined if the body has none (a HiddenMarker's `read`). */
  read(body: string | null | undefined): T | undefined;
  /** Only comments updated at or after this time (ISO 8601). */
  since?: string;
}

/** Our comments on an issue or pull request that carry a marker, oldest first, every page read. */
export async function* ourMarkedComments<T>(
  octokit: OctokitLike,
  repo: RepoRef,
  issueNumber: number,
  query: MarkedCommentQuery<T>,
): AsyncGenerator<MarkedComment<T>> {
  const route = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";
  const params = {
    ...repo,
    issue_number: issueNumber,
    ...(query.since !== undefined && { since: query.since }),
  };
  for await (const comments of listPages(octokit, route, params, IssueComment)) {
    for (const comment of comments) {
      if (!comment.user || !sameLogin(comment.user.login, query.botLogin)) continue;
      const marker = query.read(comment.body);
      if (marker !== undefined) yield { comment, marker };
    }
  }
}
