import type { OctokitLike, RepoRef } from "../../github/octokit-like.js";
import { REVIEWED_PULLS_READ, REVIEWS_READ } from "../../github/reviews-and-guard-blocks.js";
import { companionFor, type Companion } from "./companion.js";
import { loadBuddyHistory, type BuddyHistory } from "./history.js";
import type { HistoryCache } from "./history-cache.js";
import { MOOD_SENTENCE, moodOf } from "./mood.js";

export interface BuddyInput {
  octokit: OctokitLike;
  repo: RepoRef;
  /** GitHub's id of the repository, which survives renames; the name stands in when a payload lacks it. */
  repositoryId?: number | undefined;
  botLogin: string;
  now: Date;
  log: { warn(message: string, fields?: Record<string, unknown>): void };
  cache?: HistoryCache;
}

/**
 * The buddy of a repository with patchwright's history there. The buddy is seeded from the repository's
 * id, so a rename keeps it; without one, from its name lower-cased as GitHub compares it. A stat GitHub
 * did not answer for is shown as unavailable rather than leaving the buddy out.
 */
export async function buddyReply(input: BuddyInput): Promise<string> {
  const { octokit, repo, repositoryId, botLogin, now, log, cache } = input;
  const key = repositoryId !== undefined ? `id:${repositoryId}` : `${repo.owner}/${repo.repo}`.toLowerCase();
  const load = () => loadBuddyHistory(octokit, repo, botLogin, log);
  const history = await (cache ? cache.get(key, now, load) : load());
  return renderBuddy(companionFor(key), repo, history, now);
}

/**
 * Keeps what a repository name may hold (letters, digits, `.`, `-`, `_`): a name from a payload can then
 * never open a mention, HTML, a link or a code span in the reply.
 */
export function plainName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_");
}

const UNAVAILABLE = "unavailable";

export function renderBuddy(companion: Companion, repo: RepoRef, history: BuddyHistory, now: Date): string {
  const where = `${plainName(repo.owner)}/${plainName(repo.repo)}`;
  const lines = [
    `**${companion.name}** the ${companion.species} lives in \`${where}\`: ${companion.traits.join(" and ")}.`,
    "",
    "```text",
    ...companion.art,
    "```",
    "",
  ];
  const { pulls, reviews } = history;
  if (!pulls && !reviews) return [...lines, "GitHub did not answer: no stats this time."].join("\n");
  const cells = [
    ...(pulls ? [pulls.opened, pulls.merged, pulls.closedUnmerged] : Array<string>(3).fill(UNAVAILABLE)),
    ...(reviews
      ? [
          reviews.reviewedPulls,
          `${reviews.reviewCommentsComplete ? "" : "at least "}${reviews.reviewComments}`,
          reviews.guardBlocks,
        ]
      : Array<string>(3).fill(UNAVAILABLE)),
  ];
  const notes = [
    ...(reviews && !reviews.reviewCommentsComplete
      ? [
          `Review comments are counted on the ${REVIEWED_PULLS_READ} pull requests patchwright reviewed that were updated last, in the last ${REVIEWS_READ} reviews of each.`,
        ]
      : []),
    ...(pulls && reviews ? [] : ["Where a stat is unavailable, GitHub did not answer this time."]),
  ];
  return [
    ...lines,
    `Mood: ${pulls ? MOOD_SENTENCE[moodOf(pulls, now)] : "unknown: GitHub did not say how patchwright's pull requests here went"}.`,
    "",
    "| pull requests opened | merged | closed unmerged | pull requests reviewed | review comments | guard blocks |",
    "| --- | --- | --- | --- | --- | --- |",
    `| ${cells.join(" | ")} |`,
    ...(notes.length ? ["", ...notes] : []),
  ].join("\n");
}
