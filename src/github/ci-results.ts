import { z } from "zod";
import type { OctokitLike, RepoRef } from "./octokit-like.js";
import { listPages } from "./paginate.js";

const Step = z.looseObject({ name: z.string(), number: z.number(), conclusion: z.string().nullable() });

const Job = z.looseObject({
  id: z.number(),
  name: z.string(),
  conclusion: z.string().nullable(),
  html_url: z.string().nullable().optional(),
  steps: z.array(Step).optional(),
});
export type WorkflowJob = z.infer<typeof Job>;

/** The jobs of a workflow run's latest attempt that failed. */
export async function failedJobs(octokit: OctokitLike, repo: RepoRef, runId: number): Promise<WorkflowJob[]> {
  const failed: WorkflowJob[] = [];
  for await (const page of listPages(
    octokit,
    "GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs",
    { ...repo, run_id: runId, filter: "latest" },
    Job,
    3,
  ))
    failed.push(...page.filter((j) => j.conclusion === "failure"));
  return failed;
}

/** The end of a log, and how much of it came before. */
export interface LogTail {
  text: string;
  /** Bytes of the log left out before `text`. */
  omittedBytes: number;
  /** The log was longer than patchwright reads at all: `text` is not its true end. */
  unread: boolean;
}

/** The most of one log read at all; past it the download is cancelled. */
const MAX_READ_BYTES = 64 * 1024 * 1024;

/**
 * The last `keepBytes` of a job's log. GitHub answers the log's address with a redirect to a short-lived
 * download address that carries its own signature: the redirect is not followed by Octokit, which would
 * send the token along, but fetched here without any credential. The log is read as a stream, keeping
 * only its end, so a huge log costs no more memory than its tail.
 */
export async function jobLogTail(
  octokit: OctokitLike,
  fetchFn: typeof fetch,
  repo: RepoRef,
  jobId: number,
  keepBytes: number,
): Promise<LogTail> {
  const answer = await octokit.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {
    ...repo,
    job_id: jobId,
    request: { redirect: "manual" },
  });
  const location = answer.headers.location;
  if (!location || new URL(location).protocol !== "https:")
    throw new Error(`GitHub gave no https address to download job ${jobId}'s log from`);
  const download = await fetchFn(location, { redirect: "follow" });
  if (!download.ok || !download.body)
    throw new Error(`the log of job ${jobId} could not be downloaded (HTTP ${download.status})`);
  return readTail(download.body, keepBytes);
}

async function readTail(body: ReadableStream<Uint8Array>, keepBytes: number): Promise<LogTail> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let read = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    kept += value.length;
    read += value.length;
    while (chunks.length > 1 && kept - chunks[0]!.length >= keepBytes) kept -= chunks.shift()!.length;
    if (read >= MAX_READ_BYTES) {
      await reader.cancel();
      break;
    }
  }
  const all = Buffer.concat(chunks);
  const tail = all.subarray(Math.max(0, all.length - keepBytes));
  return {
    text: new TextDecoder().decode(tail),
    omittedBytes: read - tail.length,
    unread: read >= MAX_READ_BYTES,
  };
}

const CheckRun = z.looseObject({
  id: z.number(),
  name: z.string(),
  conclusion: z.string().nullable(),
  html_url: z.string().nullable().optional(),
  output: z.looseObject({
    title: z.string().nullable().optional(),
    summary: z.string().nullable().optional(),
    text: z.string().nullable().optional(),
  }),
});
export type FailedCheckRun = z.infer<typeof CheckRun>;

/** The failed check runs of a check suite (CI other than Actions): their output is all it reports. */
export async function failedCheckRuns(
  octokit: OctokitLike,
  repo: RepoRef,
  suiteId: number,
): Promise<FailedCheckRun[]> {
  const failed: FailedCheckRun[] = [];
  for await (const page of listPages(
    octokit,
    "GET /repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs",
    { ...repo, check_suite_id: suiteId, filter: "latest" },
    CheckRun,
    3,
  ))
    failed.push(...page.filter((r) => r.conclusion === "failure"));
  return failed;
}

/** The commit a branch points at now. */
export async function branchHead(octokit: OctokitLike, repo: RepoRef, branch: string): Promise<string> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
    ...repo,
    ref: `heads/${branch}`,
  });
  return z.object({ object: z.object({ sha: z.string() }) }).parse(data).object.sha;
}

/** Closes a pull request, leaving its branch where it is. */
export async function closePull(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
  body: string,
): Promise<void> {
  await octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
    ...repo,
    pull_number: number,
    state: "closed",
    body,
  });
}
