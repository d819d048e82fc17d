import { z } from "zod";
import type { OctokitLike, RepoRef } from "./octokit-like.js";

const SearchResult = z.object({
  total_count: z.number(),
  items: z.array(
    z.object({
      number: z.number(),
      state: z.string(),
      updated_at: z.string(),
      closed_at: z.string().nullable(),
      pull_request: z.object({ merged_at: z.string().nullable().optional() }).optional(),
    }),
  ),
});

/** One of the bot's recent pull requests: enough to tell how things went lately. */
export interface RecentPull {
  number: number;
  updatedAt: string;
  outcome: "open" | "merged" | "closed";
}

/** The pull requests patchwright opened in one repository, as GitHub's search counts them. */
export interface PatchwrightHistory {
  opened: number;
  merged: number;
  closedUnmerged: number;
  /** The bot's most recently updated pull requests, newest first. */
  recent: RecentPull[];
}

const RECENT = 5;

/**
 * The search qualifier for a login: an App's bot (`<slug>[bot]`) is searched as `app/<slug>`, which is
 * how GitHub's search names it; `author:<slug>[bot]` matches nothing. GitHub's search documentation shows
 * `app/` under `author:` only; `reviewed-by:` and `commenter:` take the same form (public scripts count
 * Copilot's reviews with `reviewed-by:app/copilot-pull-request-reviewer`), so one qualifier serves all three.
 */
export function searchAuthor(login: string): string {
  const bot = /^(.+)\[bot\]$/.exec(login);
  return bot ? `app/${bot[1]}` : login;
}

/**
 * Counts the pull requests `login` opened, got merged and saw closed unmerged in `repo`, with three
 * searches (totals only, except the recent ones). Search is rate limited (30 a minute): callers cache the
 * answer.
 */
export async function patchwrightHistory(
  octokit: OctokitLike,
  repo: RepoRef,
  login: string,
): Promise<PatchwrightHistory> {
  const who = searchAuthor(login);
  const base = `repo:${repo.owner}/${repo.repo} is:pr`;
  const search = async (q: string, perPage: number) => {
    const { data } = await octokit.request("GET /search/issues", {
      q,
      per_page: perPage,
      ...(perPage > 1 ? { sort: "updated" as const, order: "desc" as const } : {}),
    });
    return SearchResult.parse(data);
  };
  const [opened, merged, closedUnmerged] = await Promise.all([
    search(`${base} author:${who}`, RECENT),
    search(`${base} author:${who} is:merged`, 1),
    search(`${base} author:${who} is:unmerged is:closed`, 1),
  ]);
  return {
    opened: opened.total_count,
    merged: merged.total_count,
    closedUnmerged: closedUnmerged.total_count,
    recent: opened.items.map((item) => ({
      number: item.number,
      updatedAt: item.updated_at,
      outcome: item.pull_request?.merged_at ? "merged" : item.state === "closed" ? "closed" : "open",
    })),
  };
}
