import type { GuardConfig } from "../guard/config.js";
import { guardOutbound } from "./guarded-comments.js";
import type { OctokitLike, RepoRef } from "./octokit-like.js";

export interface FinishedCheck {
  name: string;
  headSha: string;
  conclusion: "success" | "failure" | "neutral";
  title: string;
  summary: string;
}

/** A check run posted already finished; its title and summary pass the leak guard like any comment. */
export async function postFinishedCheck(
  octokit: OctokitLike,
  repo: RepoRef,
  check: FinishedCheck,
  guard: GuardConfig,
): Promise<void> {
  await octokit.request("POST /repos/{owner}/{repo}/check-runs", {
    ...repo,
    name: check.name,
    head_sha: check.headSha,
    status: "completed",
    conclusion: check.conclusion,
    output: { title: guardOutbound(check.title, guard), summary: guardOutbound(check.summary, guard) },
  });
}
