import type nock from "nock";
import { githubApi } from "./github-api.js";
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

export interface HistoryAnswer {
  opened: number;
  merged: number;
  closedUnmerged: number;
  reviewed: number;
  recent?: SearchPull[];
}

/**
 * Stubs the four searches of `patchwrightHistory` for `repo` ("owner/name") and the author qualifier `who`
 * (`app/patchwright` for the App's bot), once each.
 */
export function historySearches(
  repo: string,
  who: string,
  answer: HistoryAnswer,
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
    .reply(200, searchAnswer(answer.closedUnmerged))
    .get("/search/issues")
    .query({ q: `${base} reviewed-by:${who}`, per_page: "1" })
    .reply(200, searchAnswer(answer.reviewed));
}
