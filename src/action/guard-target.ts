import { z } from "zod";
import type { ScanTarget } from "../guard/scan.js";

const ZERO_SHA = /^0{40}$/;

const PullRequestEvent = z.object({
  pull_request: z.object({ base: z.object({ sha: z.string() }), head: z.object({ sha: z.string() }) }),
});
const PushEvent = z.object({ before: z.string(), after: z.string() });

export const GuardScope = z.enum(["auto", "tree", "pack"]);
export type GuardScope = z.infer<typeof GuardScope>;

/**
 * What the guard checks for a workflow event. `auto`: a pull request's commits (base..head), a push's
 * commits (before..after), else the checked-out tree. A new branch's push has no "before", so the tree
 * is scanned instead of the branch's whole history.
 */
export function guardTarget(scope: GuardScope, eventName: string, payload: unknown): ScanTarget {
  if (scope === "tree") return { mode: "paths", paths: ["."] };
  if (scope === "pack") return { mode: "pack", dir: "." };
  if (eventName.startsWith("pull_request")) {
    const pr = PullRequestEvent.safeParse(payload);
    if (pr.success)
      return { mode: "git", range: `${pr.data.pull_request.base.sha}..${pr.data.pull_request.head.sha}` };
  }
  if (eventName === "push") {
    const push = PushEvent.safeParse(payload);
    if (push.success && !ZERO_SHA.test(push.data.before) && !ZERO_SHA.test(push.data.after)) {
      return { mode: "git", range: `${push.data.before}..${push.data.after}` };
    }
  }
  return { mode: "paths", paths: ["."] };
}
