import { commentEdits, isAccount, loginOf } from "../github/comment-edits.js";
import { ourMarkedComments, type IssueComment as Comment } from "../github/marked-comments.js";
import type { RunScope } from "./run-scope.js";
import { checkPlan, readMarker } from "./marker.js";

export type ApprovedPlan =
  { status: "ok"; instruction: string; prompt: string } | { status: "none" | "edited"; sentence: string };

/**
 * `approve`: the newest plan this bot posted on the thread, carried out exactly as posted. A plan whose
 * comment was edited afterwards is refused: what would run is no longer what was read and approved.
 * Anyone with write access can edit our comments, and recompute any hash in them, so two checks hold:
 * the plan's MAC, made with a key only the App holds (or the Action's `plan_secret`), for this thread
 * and comment; and GitHub's edit history, in which every edit must be ours.
 */
export async function findApprovedPlan(s: RunScope): Promise<ApprovedPlan> {
  const { request } = s;
  const phrase = request.config.trigger.phrase;
  if (!request.thread) return { status: "none", sentence: "there is no thread to find a plan on." };
  let newest: Comment | undefined;
  const ours = { botLogin: s.deps.botLogin, read: readMarker };
  for await (const { comment, marker } of ourMarkedComments(s.octokit, s.repo, request.thread.number, ours)) {
    if (marker.plan) newest = comment;
  }
  const { planKey } = s.deps;
  const check = checkPlan(
    newest?.body,
    newest && planKey
      ? { key: planKey, place: { ...s.repo, thread: request.thread.number, commentId: newest.id } }
      : undefined,
  );
  const again = `Ask for a new plan with \`${phrase} /plan <request>\`.`;
  if (!newest || check.status === "none") {
    return {
      status: "none",
      sentence: `there is no plan on this thread to approve. Ask for one with \`${phrase} /plan <request>\` first.`,
    };
  }
  if (check.status === "edited") {
    return {
      status: "edited",
      sentence:
        "the plan comment was edited after it was posted, so it is not the plan patchwright wrote and it was " +
        `not carried out. ${again}`,
    };
  }
  if (check.status === "unsealed") {
    return {
      status: "edited",
      sentence:
        "the plan comment does not carry patchwright's signature for this comment on this thread (it was " +
        "changed or copied from elsewhere, or written before patchwright's key changed), so it was not " +
        `carried out. ${again}`,
    };
  }
  const editedBy = await someoneElseEdited(s, newest);
  if (editedBy) return { status: "edited", sentence: `${editedBy} ${again}` };
  const { plan } = check;
  return {
    status: "ok",
    instruction: plan.request || "Carry out the approved plan",
    prompt: [
      `@${request.trigger.author} approved this plan. Carry it out exactly; where it turns out to be wrong, ` +
        "do the least change that keeps to its intent and say so at the end.",
      "",
      "The original request:",
      plan.request || "(none)",
      "",
      "The plan:",
      plan.text,
    ].join("\n"),
  };
}

/**
 * Why the comment's edit history rules it out, or undefined if only we ever wrote it. Our own progress
 * edits are in the history too; any other editor, even one who put our text back, and it is refused.
 */
async function someoneElseEdited(s: RunScope, comment: Comment): Promise<string | undefined> {
  const unread = "the plan comment's edit history could not be read, so the plan was not carried out.";
  if (!comment.node_id) return unread;
  const edits = await commentEdits(s.octokit, comment.node_id);
  if (!edits) return unread;
  const bot = s.deps.botLogin;
  const lastEditor = edits.lastEditor !== undefined ? [edits.lastEditor] : [];
  const other = [edits.author, ...lastEditor, ...edits.editors].find((actor) => !isAccount(actor, bot));
  if (other !== undefined) {
    return (
      `the plan comment was edited by @${loginOf(other)} after it was posted, so it is not the plan ` +
      "patchwright wrote and it was not carried out."
    );
  }
  if (!edits.complete) {
    return "the plan comment was edited more times than patchwright can check, so it was not carried out.";
  }
  return undefined;
}
