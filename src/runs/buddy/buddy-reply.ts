import type { OctokitLike, RepoRef } from "../../github/octokit-like.js";
import { patchwrightHistory, type PatchwrightHistory } from "../../github/patchwright-history.js";
import { companionFor, type Companion } from "./companion.js";
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
 * id, so a rename keeps it; without one, from its name lower-cased as GitHub compares it. A failed search
 * leaves the stats out rather than the buddy.
 */
export async function buddyReply(input: BuddyInput): Promise<string> {
  const { octokit, repo, repositoryId, botLogin, now, log, cache } = input;
  const key = repositoryId !== undefined ? `id:${repositoryId}` : `${repo.owner}/${repo.repo}`.toLowerCase();
  const load = () => patchwrightHistory(octokit, repo, botLogin);
  let history: PatchwrightHistory | undefined;
  try {
    history = await (cache ? cache.get(key, now, load) : load());
  } catch (err) {
    log.warn("could not read patchwright's history for buddy", { error: String(err) });
  }
  return renderBuddy(companionFor(key), repo, history, now);
}

/**
 * Keeps what a repository name may hold (letters, digits, `.`, `-`, `_`): a name from a payload can then
 * never open a mention, HTML, a link or a code span in the reply.
 */
export function plainName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_");
}

export function renderBuddy(
  companion: Companion,
  repo: RepoRef,
  history: PatchwrightHistory | undefined,
  now: Date,
): string {
  const where = `${plainName(repo.owner)}/${plainName(repo.repo)}`;
  const lines = [
    `**${companion.name}** the ${companion.species} lives in \`${where}\`: ${companion.traits.join(" and ")}.`,
    "",
    "```text",
    ...companion.art,
    "```",
    "",
  ];
  if (!history) return [...lines, "GitHub's search did not answer: no stats this time."].join("\n");
  return [
    ...lines,
    `Mood: ${MOOD_SENTENCE[moodOf(history, now)]}.`,
    "",
    "| pull requests opened | merged | closed unmerged | pull requests reviewed |",
    "| --- | --- | --- | --- |",
    `| ${history.opened} | ${history.merged} | ${history.closedUnmerged} | ${history.reviewed} |`,
  ].join("\n");
}
