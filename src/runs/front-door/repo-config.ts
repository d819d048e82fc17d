import { formatConfigError } from "../../config/parse-repo-config.js";
import { loadRepoConfig } from "../../config/load-repo-config.js";
import { RepoConfig } from "../../config/schema.js";
import { postFinishedCheck } from "../../github/check-runs.js";
import { createComment } from "../../github/guarded-comments.js";
import { getRepoFile } from "../../github/repo-file.js";
import type { RepoRef } from "../../github/octokit-like.js";
import type { Candidate } from "../../request/classify-event.js";
import { findMention } from "../../request/find-mention.js";
import type { PullRequest } from "../../request/payloads.js";
import type { FrontDoorDeps, Outcome } from "./types.js";

const DEFAULTS = RepoConfig.parse({});

/**
 * The repository's config, from the default branch: a pull request's head is written by whoever opened
 * it. When it is invalid, the person who asked (or the pull request's checks) learns why nothing runs.
 */
export async function configFor(
  c: Candidate,
  deps: FrontDoorDeps,
  repo: RepoRef,
  defaultBranch: string,
): Promise<{ ok: true; config: RepoConfig } | { ok: false; outcome: Outcome }> {
  const loaded = await loadRepoConfig(
    (path) => getRepoFile(deps.octokit, { ...repo, ref: defaultBranch, path }),
    deps.configPath ? [deps.configPath] : undefined,
  );
  if (loaded.ok) {
    return { ok: true, config: deps.adjustConfig ? deps.adjustConfig(loaded.config) : loaded.config };
  }
  const sentence = formatConfigError(loaded.error);
  const where = `${repo.owner}/${repo.repo}`;
  // The sentence names the file and the field; in the message itself, since not every log shows fields.
  deps.log.warn(`invalid config in ${where}: ${sentence}`, { repository: where, error: sentence });
  // With no readable config, only the default trigger phrase is known to be meant for us.
  if (c.type === "mention" && findMention(c.body, DEFAULTS.trigger.phrase).mentioned) {
    await createComment(deps.octokit, repo, c.thread.number, configErrorBody(sentence), DEFAULTS.guard);
    return { ok: false, outcome: { status: "replied", reason: "invalid config" } };
  }
  // No one asked, so no one would learn why nothing happens: a pull request shows it as a check.
  if (c.type === "review" && deps.configCheckRuns) await configCheck(deps, repo, c.pullRequest, sentence);
  return { ok: false, outcome: { status: "ignored", reason: "invalid config", configError: loaded.error } };
}

/** A failed check on the pull request's head naming the problem; a failure to post it is only logged. */
async function configCheck(
  deps: FrontDoorDeps,
  repo: RepoRef,
  pr: PullRequest,
  sentence: string,
): Promise<void> {
  try {
    await postFinishedCheck(
      deps.octokit,
      repo,
      {
        name: "patchwright config",
        headSha: pr.head.sha,
        conclusion: "failure",
        title: "patchwright cannot run: its config is invalid",
        summary:
          `${sentence}\n\nThe file is read from the default branch: fix it there. Until then patchwright ` +
          `reviews nothing and starts no runs in this repository. This check is about the repository's ` +
          `config, not about this pull request's changes.`,
      },
      DEFAULTS.guard,
    );
  } catch (err) {
    deps.log.warn(`could not post the config check in ${repo.owner}/${repo.repo}`, {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

function configErrorBody(sentence: string): string {
  return `patchwright cannot run: ${sentence} Fix the file on the default branch and mention it again.`;
}
