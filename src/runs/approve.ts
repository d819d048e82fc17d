import { z } from "zod";
import { listPages } from "../github/paginate.js";
import { sameLogin } from "../request/permissions.js";
import type { RunScope } from "./execute-run.js";
import { checkPlan, readMarker } from "./marker.js";

const Comment = z.object({
  id: z.number(),
  body: z.string().nullable().optional(),
  user: z.object({ login: z.string() }).nullable().optional(),
});

export type ApprovedPlan =
  { status: "ok"; instruction: string; prompt: string } | { status: "none" | "edited"; sentence: string };

const PAGES = 10;

/**
 * `approve`: the newest plan this bot posted on the thread, carried out exactly as posted. A plan whose
 * comment was edited afterwards is refused: what would run is no longer what was read and approved.
 */
export async function findApprovedPlan(s: RunScope): Promise<ApprovedPlan> {
  const { request } = s;
  const phrase = request.config.trigger.phrase;
  if (!request.thread) return { status: "none", sentence: "there is no thread to find a plan on." };
  let newest: { body?: string | null | undefined } | undefined;
  const route = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";
  const params = { ...s.repo, issue_number: request.thread.number };
  for await (const comments of listPages(s.octokit, route, params, Comment, PAGES)) {
    for (const c of comments) {
      // Only our own comments count: anyone can paste a marker into theirs.
      if (c.user && sameLogin(c.user.login, s.deps.botLogin) && readMarker(c.body)?.plan) newest = c;
    }
  }
  const check = checkPlan(newest?.body);
  if (check.status === "none") {
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
        `not carried out. Ask for a new plan with \`${phrase} /plan <request>\`.`,
    };
  }
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
