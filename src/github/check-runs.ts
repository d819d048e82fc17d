import { z } from "zod";
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

/** A line of a file that a check run points at; its message and title pass the leak guard. */
export interface CheckAnnotation {
  path: string;
  line: number;
  title: string;
  message: string;
}

/** GitHub takes at most 50 annotations per request; more are added with further updates. */
export const ANNOTATIONS_PER_REQUEST = 50;

export const CreatedCheckRun = z.looseObject({ id: z.number() });
export type CreatedCheckRun = z.infer<typeof CreatedCheckRun>;

/** A check run shown as in progress while the work runs; its id is what `completeCheck` finishes. */
export async function startCheck(
  octokit: OctokitLike,
  repo: RepoRef,
  check: { name: string; headSha: string },
): Promise<number> {
  const { data } = await octokit.request("POST /repos/{owner}/{repo}/check-runs", {
    ...repo,
    name: check.name,
    head_sha: check.headSha,
    status: "in_progress",
  });
  const created = CreatedCheckRun.safeParse(data);
  if (!created.success) throw new Error("GitHub's answer to creating a check run has no id");
  return created.data.id;
}

/**
 * Finishes a started check run: the annotations go in batches of 50 (each update appends them), and
 * the last update carries the conclusion, so the check never shows finished with annotations missing.
 */
export async function completeCheck(
  octokit: OctokitLike,
  repo: RepoRef,
  checkRunId: number,
  check: Omit<FinishedCheck, "headSha" | "name"> & { annotations?: readonly CheckAnnotation[] },
  guard: GuardConfig,
): Promise<void> {
  const output = { title: guardOutbound(check.title, guard), summary: guardOutbound(check.summary, guard) };
  const annotations = (check.annotations ?? []).map((a) => ({
    path: a.path,
    start_line: a.line,
    end_line: a.line,
    annotation_level: "failure" as const,
    title: guardOutbound(a.title, guard),
    message: guardOutbound(a.message, guard),
  }));
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST)
    batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  if (batches.length === 0) batches.push([]);
  for (const [i, batch] of batches.entries()) {
    const last = i === batches.length - 1;
    await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...repo,
      check_run_id: checkRunId,
      ...(last ? { status: "completed", conclusion: check.conclusion } : {}),
      output: { ...output, ...(batch.length > 0 ? { annotations: batch } : {}) },
    });
  }
}
