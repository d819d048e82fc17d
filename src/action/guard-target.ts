import { z } from "zod";
import type { ScanTarget } from "../guard/scan.js";

const ZERO_SHA = /^0{40}$/;

const PullRequestEvent = z.object({
  pull_request: z.object({ base: z.object({ sha: z.string() }), head: z.object({ sha: z.string() }) }),
});
const PushEvent = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  repository: z.object({ default_branch: z.string() }).optional(),
});

export const GuardScope = z.enum(["auto", "tree", "pack"]);
export type GuardScope = z.infer<typeof GuardScope>;

/** What the check will scan, in words for the log and the summary, and whose config decides. */
export interface GuardPlan {
  target: ScanTarget;
  /** One sentence: what is scanned, and why that (a fallback says so). */
  scanned: string;
  /** The commit whose `.github/patchwright.yml` holds the rules (a base, never the scanned commits). */
  configFrom?: string;
}

/** What the plan needs to know of the checkout; a real git in the Action, a test repository in tests. */
export interface Checkout {
  isCommit(rev: string): Promise<boolean>;
  /** Every remote-tracking branch, as full ref names (`refs/remotes/origin/main`). */
  remoteBranches(): Promise<string[]>;
}

/**
 * What the guard checks for a workflow event. `auto`: a pull request's commits (base..head); a push's
 * commits (before..after). When `before` is not in the checkout — every force-push, and a new branch —
 * what the push made reachable: `after` and its ancestors that are on no other remote branch. With no
 * other branch fetched to compare with (a shallow, single-branch checkout), the checked-out tree.
 */
export async function planGuardScan(
  scope: GuardScope,
  eventName: string,
  payload: unknown,
  checkout: Checkout,
): Promise<GuardPlan> {
  if (scope === "tree") return tree("the checked-out tree (scan: tree)");
  if (scope === "pack")
    return { target: { mode: "pack", dir: "." }, scanned: "the files npm pack would publish" };
  if (eventName.startsWith("pull_request")) {
    const pr = PullRequestEvent.safeParse(payload);
    if (pr.success) {
      const { base, head } = pr.data.pull_request;
      return {
        target: { mode: "git", range: `${base.sha}..${head.sha}` },
        scanned: `the pull request's commits (${short(base.sha)}..${short(head.sha)})`,
        configFrom: base.sha,
      };
    }
  }
  if (eventName !== "push")
    return tree(`the checked-out tree (a ${eventName || "manual"} event has no commits to scan)`);
  const push = PushEvent.safeParse(payload);
  if (!push.success || ZERO_SHA.test(push.data.after))
    return tree("the checked-out tree (the push names no new commit)");
  const { before, after, ref } = push.data;
  if (!ZERO_SHA.test(before) && (await checkout.isCommit(before))) {
    return {
      target: { mode: "git", range: `${before}..${after}` },
      scanned: `the push's commits (${short(before)}..${short(after)})`,
      configFrom: before,
    };
  }
  const branch = ref.replace(/^refs\/heads\//, "");
  const others = (await checkout.remoteBranches()).filter(
    (r) => !/^refs\/remotes\/[^/]+\/HEAD$/.test(r) && r.replace(/^refs\/remotes\/[^/]+\//, "") !== branch,
  );
  const why = ZERO_SHA.test(before)
    ? "the push created the branch"
    : `the push was forced, and its old tip ${short(before)} is not in the checkout`;
  if (others.length === 0) {
    return tree(
      `the checked-out tree: ${why}, and no other branch was fetched to compare with ` +
        "(give actions/checkout `fetch-depth: 0` to scan only what the push added)",
    );
  }
  const defaultRef = others.find((r) => r.endsWith(`/${push.data.repository?.default_branch ?? "\0"}`));
  return {
    target: { mode: "git", range: after, exclude: others },
    scanned: `what the push made reachable: ${short(after)} and its ancestors on no other branch (${why})`,
    ...(defaultRef ? { configFrom: defaultRef } : {}),
  };
}

function tree(scanned: string): GuardPlan {
  return { target: { mode: "paths", paths: ["."] }, scanned };
}

function short(sha: string): string {
  return sha.slice(0, 12);
}
