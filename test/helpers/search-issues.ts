import type nock from "nock";
import { githubApi, graphqlReply } from "./github-api.js";
import { githubExample } from "./github-examples.js";

type Json = Record<string, unknown>;

export interface SearchPull {
  number: number;
  updatedAt: string;
  outcome: "open" | "merged" | "closed";
}

/** GitHub's example search answer with `total` results, its items replaced by these pull requests. */
export function searchAnswer(total: number, pulls: SearchPull[] = []): Json {
  const base = githubExample("GET /search/issues", 200, {}) as Json;
  const item = (base["items"] as Json[])[0]!;
  return {
    ...base,
    total_count: total,
    items: pulls.map((pull) => ({
      ...item,
      number: pull.number,
      state: pull.outcome === "open" ? "open" : "closed",
      updated_at: pull.updatedAt,
      closed_at: pull.outcome === "open" ? null : pull.updatedAt,
      pull_request: {
        ...(item["pull_request"] as Json),
        merged_at: pull.outcome === "merged" ? pull.updatedAt : null,
      },
    })),
  };
}

/** A review as GraphQL gives it: its author (a Bot's login has no `[bot]`) and its inline comments. */
export interface ReviewOnPull {
  author: { __typename: "Bot" | "User"; login: string } | null;
  comments: number;
}

export interface ReviewsAnswer {
  /** Pull requests the search says were reviewed. */
  reviewed: number;
  /** The reviewed pull requests the search returns, each with its latest reviews. */
  pulls: { reviews: ReviewOnPull[]; totalReviews?: number }[];
  /** Conversations where the bot said the leak guard blocked something. */
  blocked?: number;
  /** Conversations where the bot said a message was withheld. */
  withheld?: number;
}

/**
 * Stubs the GraphQL request of `reviewsAndGuardBlocks` for `repo` ("owner/name") and the search qualifier
 * `who`, once: each of its three searches is answered by its query, in the words patchwright writes; a
 * search it does not expect fails the test.
 */
export function reviewsSearch(
  repo: string,
  who: string,
  answer: ReviewsAnswer,
  scope: nock.Scope = githubApi(),
): nock.Scope {
  const where = `repo:${repo}`;
  const said = (words: string) => `${where} commenter:${who} in:comments "${words}"`;
  const answers = new Map<string, object>([
    [
      `${where} is:pr reviewed-by:${who} sort:updated-desc`,
      {
        issueCount: answer.reviewed,
        nodes: answer.pulls.map((pull) => ({
          __typename: "PullRequest",
          reviews: {
            totalCount: pull.totalReviews ?? pull.reviews.length,
            nodes: pull.reviews.map((r) => ({ author: r.author, comments: { totalCount: r.comments } })),
          },
        })),
      },
    ],
    [said("the leak guard blocked"), { issueCount: answer.blocked ?? 0, nodes: [] }],
    [said("patchwright withheld this message"), { issueCount: answer.withheld ?? 0, nodes: [] }],
  ]);
  const search = ({ query }: { query: string }) => {
    const found = answers.get(query);
    if (!found) throw new Error(`no stub for the search ${JSON.stringify(query)}`);
    return found;
  };
  return scope.post("/graphql").reply(graphqlReply({ search }));
}

export interface HistoryAnswer {
  opened: number;
  merged: number;
  closedUnmerged: number;
  recent?: SearchPull[];
  reviewed?: number;
  /** All on the first reviewed pull request, in one review by the bot. */
  reviewComments?: number;
  blocked?: number;
  withheld?: number;
}

/** The bot as GraphQL names it, from the search qualifier: `app/patchwright` is the Bot `patchwright`. */
export function graphqlAuthor(who: string): ReviewOnPull["author"] {
  return who.startsWith("app/")
    ? { __typename: "Bot", login: who.slice(4) }
    : { __typename: "User", login: who };
}

/** Stubs the three searches of `patchwrightHistory` for `repo` and the qualifier `who`, once each. */
export function pullSearches(
  repo: string,
  who: string,
  answer: Pick<HistoryAnswer, "opened" | "merged" | "closedUnmerged" | "recent">,
  scope: nock.Scope = githubApi(),
): nock.Scope {
  const base = `repo:${repo} is:pr`;
  return scope
    .get("/search/issues")
    .query({ q: `${base} author:${who}`, per_page: "5", sort: "updated", order: "desc" })
    .reply(200, searchAnswer(answer.opened, answer.recent ?? []))
    .get("/search/issues")
    .query({ q: `${base} author:${who} is:merged`, per_page: "1" })
    .reply(200, searchAnswer(answer.merged))
    .get("/search/issues")
    .query({ q: `${base} author:${who} is:unmerged is:closed`, per_page: "1" })
    .reply(200, searchAnswer(answer.closedUnmerged));
}

/**
 * Stubs everything `buddy` reads of patchwright's history in `repo` ("owner/name") with the search
 * qualifier `who` (`app/patchwright` for the App's bot), once each: the three pull request searches and
 * the GraphQL request for reviews and guard blocks.
 */
export function historySearches(
  repo: string,
  who: string,
  answer: HistoryAnswer,
  scope: nock.Scope = githubApi(),
): nock.Scope {
  const reviewed = answer.reviewed ?? 0;
  // As many pull requests as the search returns (50 at most), so the count is complete.
  const pulls = Array.from({ length: Math.min(reviewed, 50) }, (_, i) => ({
    reviews: i === 0 ? [{ author: graphqlAuthor(who), comments: answer.reviewComments ?? 0 }] : [],
  }));
  reviewsSearch(
    repo,
    who,
    { reviewed, pulls, blocked: answer.blocked ?? 0, withheld: answer.withheld ?? 0 },
    scope,
  );
  return pullSearches(repo, who, answer, scope);
}
