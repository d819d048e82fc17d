import { updateComment } from "../github/guarded-comments.js";
import type { OctokitLike } from "../github/octokit-like.js";
import type { RepoConfig } from "../config/schema.js";
import type { RunRequest } from "../request/run-request.js";
import { renderMarker, type RunMarker } from "./marker.js";

const DOCS = "https://github.com/patchwright/patchwright/blob/main/docs";

export function trackingBody(marker: RunMarker, followUrl: string | undefined, note?: string): string {
  const follow = followUrl ? ` — [follow the run](${followUrl})` : "";
  const noted = note ? `\n\n${note}` : "";
  return `👀 **patchwright** is working on this${follow}.${noted}\n\n${renderMarker(marker)}`;
}

export function helpBody(config: RepoConfig): string {
  const phrase = config.trigger.phrase;
  const custom = Object.entries(config.commands).map(
    ([name, c]) => `| \`${phrase} /${name}\` | ${c.description || c.prompt.slice(0, 80)} |`,
  );
  return [
    `**patchwright** — mention \`${phrase}\` with a request, or a command:`,
    "",
    "| | |",
    "| --- | --- |",
    `| \`${phrase} <request>\` | implement it on a branch and open a pull request, or answer a question |`,
    `| \`${phrase} /plan <request>\` | explore and post a plan to approve |`,
    `| \`${phrase} approve\` | carry out the plan posted on this thread |`,
    `| \`${phrase} /review\` | review this pull request |`,
    `| \`${phrase} stop\` | stop the run on this thread |`,
    `| \`${phrase} pause\` / \`resume\` | turn automatic review off and on for this pull request |`,
    ...(config.features.buddy
      ? [`| \`${phrase} buddy\` | meet this repository's companion and its stats |`]
      : []),
    `| \`${phrase} help\` | this list |`,
    ...custom,
    "",
    `Assigning the issue to the app or adding the \`${config.trigger.label}\` label starts an implement run. ` +
      `Settings: \`.github/patchwright.yml\` on the default branch ([reference](${DOCS}/configuration.md)).`,
  ].join("\n");
}

/** Replaces a run's tracking comment with one line, keeping its marker; nothing for a run without one. */
async function sayOnTracking(octokit: OctokitLike, request: RunRequest, line: string): Promise<void> {
  if (request.trackingCommentId === undefined) return;
  await updateComment(
    octokit,
    { owner: request.repository.owner, repo: request.repository.name },
    request.trackingCommentId,
    `${line}\n\n${renderMarker({ run: request.id, trigger: request.trigger.key })}`,
    request.config.guard,
  );
}

/** A write run waits for another on the same repository: its tracking comment says so. */
export function notifyWaiting(octokit: OctokitLike, request: RunRequest): Promise<void> {
  return sayOnTracking(
    octokit,
    request,
    `⏳ **patchwright** will start on this when the run already changing this repository has finished ` +
      `(one change at a time per repository).`,
  );
}

/** A waiting request dropped for a newer one on the same thread. */
export function notifyReplaced(octokit: OctokitLike, request: RunRequest): Promise<void> {
  return sayOnTracking(
    octokit,
    request,
    `⏭️ **patchwright** did not start this request: a newer one on this thread replaced it while it waited ` +
      `(one run at a time per thread, the latest request next).`,
  );
}

/** A run taken up again after its worker stopped (it died, or was stopped for a deploy). */
export function notifyRestarted(octokit: OctokitLike, request: RunRequest, restarts: number): Promise<void> {
  return sayOnTracking(
    octokit,
    request,
    `🔁 **patchwright** restarted this run from a fresh workspace: the worker running it stopped before it ` +
      `finished (restart ${restarts}). Nothing it had not pushed was kept.`,
  );
}

export const ABANDONED =
  "❌ **patchwright** gave this run up: the worker running it stopped before it finished, again after " +
  "each restart. Nothing more was pushed; mention it again to start over, or ask the App's operator to " +
  "look at the workers' logs.";

/** A run given up after too many restarts: its tracking comment must not stay "working". */
export function notifyAbandoned(octokit: OctokitLike, request: RunRequest): Promise<void> {
  return sayOnTracking(octokit, request, ABANDONED);
}
