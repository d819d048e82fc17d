import type { RepoConfig } from "../../config/schema.js";
import { createComment } from "../../github/guarded-comments.js";
import { ourMarkedComments } from "../../github/marked-comments.js";
import type { RepoRef } from "../../github/octokit-like.js";
import { reactEyes } from "../../github/reactions.js";
import type { Candidate } from "../../request/classify-event.js";
import { readMarker, type RunMarker } from "../marker.js";
import { trackingBody } from "../messages.js";
import type { FrontDoorDeps } from "./types.js";

export type Acknowledged = { duplicate: true } | { duplicate: false; trackingCommentId: number | undefined };

/**
 * One trigger, one run: the queue records which delivery claimed the trigger (durably, across workers),
 * and the same comment delivered again finds the first run's marker: another run's is a duplicate, its own
 * run's (the same delivery handled again) is taken up. Requests from a person are acknowledged on their
 * thread (eyes and a tracking comment); automatic reviews speak through their review.
 */
export async function acknowledge(
  c: Candidate,
  deps: FrontDoorDeps,
  repo: RepoRef,
  config: RepoConfig,
  at: {
    thread: { number: number } | undefined;
    key: string;
    delivery: string;
    marker: RunMarker;
    note?: string | undefined;
  },
): Promise<Acknowledged> {
  const { thread, key, marker, note } = at;
  // The same delivery may claim again: its handling was restarted, or it failed and was redelivered.
  if (deps.queue.claimTrigger && !(await deps.queue.claimTrigger(key, at.delivery)))
    return { duplicate: true };
  const byPerson = c.type === "mention" || c.type === "assigned" || c.type === "labeled";
  if (!byPerson || !thread) return { duplicate: false, trackingCommentId: undefined };
  const since =
    c.type === "mention" ? c.comment.createdAt : new Date(deps.now().getTime() - 3_600_000).toISOString();
  const found = await trackingComment(deps, repo, thread.number, key, since);
  // Our own tracking comment, posted by this delivery's handling before it was cut short: the run it
  // announced was never queued (or is queued already, which the queue keeps once), so it is queued now.
  if (found?.run === marker.run) return { duplicate: false, trackingCommentId: found.id };
  if (found) return { duplicate: true };
  if (c.type === "mention") await reactEyes(deps.octokit, repo, c.comment);
  const posted = await createComment(
    deps.octokit,
    repo,
    thread.number,
    trackingBody(marker, deps.followUrl, note),
    config.guard,
  );
  return { duplicate: false, trackingCommentId: posted.id };
}

/** Our tracking comment for this trigger on the thread, if one was posted: its id and its run. */
async function trackingComment(
  deps: FrontDoorDeps,
  repo: RepoRef,
  number: number,
  key: string,
  since: string,
): Promise<{ id: number; run: string } | undefined> {
  // Only our own comments count: anyone can paste a marker into a comment of theirs.
  const ours = { botLogin: deps.botLogin, read: readMarker, since };
  for await (const { comment, marker } of ourMarkedComments(deps.octokit, repo, number, ours))
    if (marker.trigger === key) return { id: comment.id, run: marker.run };
  return undefined;
}
