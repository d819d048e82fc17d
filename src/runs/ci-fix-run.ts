import { failedCheckRuns, failedJobs, jobLogTail } from "../github/ci-results.js";
import { describeGitHubError } from "../github/errors.js";
import { guardOutbound } from "../github/guarded-comments.js";
import { getRepoFile } from "../github/repo-file.js";
import { createRedactor } from "../guard/scan.js";
import {
  CI_FIX_TASK,
  LOG_BUDGET,
  ciFixHash,
  ciFixPrompt,
  failingCommand,
  tidyLog,
  type FailedPart,
  type FailingCommand,
} from "../maintenance/ci-fix.js";
import type { RunRequest } from "../request/run-request.js";
import { testsSentence } from "./change-run.js";
import { runMaintenanceTask } from "./maintenance-run.js";
import { finished, type RunScope } from "./run-scope.js";
import type { RunReport } from "./report.js";

type CiFailure = NonNullable<NonNullable<RunRequest["maintenance"]>["ci"]>;

/**
 * The failing-CI fixer's run: the failed jobs' logs (their ends, within a budget, through the leak guard's
 * redaction, quoted as data) and the failing step's command go to the agent, and the change goes into the
 * one ci-fix pull request by the maintenance rules (one branch, new commits only, a person's commit wins).
 * The failing command, when the workflow file names it, is what verifies the fix.
 */
export async function ciFixRun(s: RunScope): Promise<RunReport> {
  const { request } = s;
  const ci = request.maintenance?.ci;
  if (!ci)
    return finished(s, "refused", "the failing-CI fixer was started without a failed check, so nothing ran.");
  const notes: string[] = [];
  const { parts, step } = await readFailure(s, ci, notes);
  const command = await findCommand(s, ci, step);
  if ("reason" in command) notes.push(`The fix was not verified locally: ${command.reason}.`);
  const base = request.repository.defaultBranch;
  const title = `Fix ${ci.check} on ${base}`;
  const shown = (text: string): string => guardOutbound(text, request.config.guard);
  return runMaintenanceTask(s, {
    task: { name: CI_FIX_TASK, prompt: request.instruction, labels: [] },
    hash: ciFixHash(ci.check, ci.headSha),
    dueAt: request.maintenance!.dueAt,
    title: title.length <= 120 && shown(title) === title ? title : "Fix the failing CI",
    prompt: (open) =>
      ciFixPrompt({
        check: ci.check,
        headSha: ci.headSha,
        defaultBranch: base,
        url: ci.url,
        parts,
        command,
        openPull: open?.number,
      }),
    about:
      `The failing-CI fixer (\`maintenance.ciFix\`): \`${ci.check}\` failed on ${base} at ` +
      `${ci.headSha.slice(0, 7)}${ci.url ? ` ([the run](${ci.url}))` : ""}. patchwright adds commits here ` +
      `when ${base} fails again, and closes this pull request once it passes again.`,
    verified: (agent) => verifiedSentence(command, agent),
    footer: "Failing-CI fixer",
    ...("command" in command ? { verifyWith: command.command } : {}),
    failingCheck: ci.check,
    backsOff: true,
    notes,
  });
}

/** The failed jobs' log ends (or another CI's failed check runs' output), and the first failed step. */
async function readFailure(
  s: RunScope,
  ci: CiFailure,
  notes: string[],
): Promise<{ parts: FailedPart[]; step?: string }> {
  const redact = createRedactor(s.request.config.guard);
  let budget = LOG_BUDGET.totalBytes;
  const parts: FailedPart[] = [];
  if (ci.source === "check_suite") {
    const runs = await failedCheckRuns(s.octokit, s.repo, ci.id);
    for (const run of runs.slice(0, LOG_BUDGET.maxJobs)) {
      const { title, summary, text } = run.output;
      const whole = [title, summary, text].filter(Boolean).join("\n\n");
      const keep = Math.min(LOG_BUDGET.perJobBytes, budget);
      const end = tail(whole, keep);
      budget -= Buffer.byteLength(end.text);
      parts.push({ name: run.name, text: redact(end.text), ...omitted(end.omittedBytes) });
    }
    return { parts };
  }
  const jobs = await failedJobs(s.octokit, s.repo, ci.id);
  if (jobs.length > LOG_BUDGET.maxJobs)
    notes.push(`${jobs.length} jobs failed; the logs of the first ${LOG_BUDGET.maxJobs} were read.`);
  let step: string | undefined;
  const fetchFn = s.deps.fetch ?? globalThis.fetch;
  for (const job of jobs.slice(0, LOG_BUDGET.maxJobs)) {
    const failedStep = job.steps?.find((st) => st.conclusion === "failure")?.name;
    step ??= failedStep;
    const named = { name: job.name, ...(failedStep ? { step: failedStep } : {}) };
    if (budget <= 0) {
      parts.push({ ...named, text: "(left out: the logs before it used the whole budget)" });
      continue;
    }
    try {
      const log = await jobLogTail(
        s.octokit,
        fetchFn,
        s.repo,
        job.id,
        Math.min(LOG_BUDGET.perJobBytes, budget),
      );
      budget -= Buffer.byteLength(log.text);
      parts.push({
        ...named,
        text: redact(tidyLog(log.text, log.omittedBytes > 0)),
        ...omitted(log.omittedBytes, log.unread),
      });
    } catch (err) {
      notes.push(`The log of the job "${job.name}" could not be read: ${describeGitHubError(err)}`);
    }
  }
  return { parts, ...(step ? { step } : {}) };
}

function tail(text: string, keepBytes: number): { text: string; omittedBytes: number } {
  const bytes = Buffer.from(text);
  if (bytes.length <= keepBytes) return { text, omittedBytes: 0 };
  const kept = bytes.subarray(bytes.length - keepBytes).toString("utf8");
  return { text: kept, omittedBytes: bytes.length - keepBytes };
}

function omitted(bytes: number, unread = false): Pick<FailedPart, "omitted"> {
  if (bytes <= 0) return {};
  const size = `the first ${bytes.toLocaleString("en-US")} bytes`;
  return {
    omitted: unread ? `${size} read, and the rest unread: the log is too long to reach its end` : size,
  };
}

async function findCommand(s: RunScope, ci: CiFailure, step: string | undefined): Promise<FailingCommand> {
  if (ci.source === "check_suite")
    return { reason: `the check comes from ${ci.check}, whose commands GitHub does not show` };
  if (!ci.workflowPath) return { reason: "GitHub did not say which workflow file ran" };
  const file = await getRepoFile(s.octokit, { ...s.repo, ref: ci.headSha, path: ci.workflowPath });
  const text = file?.kind === "file" ? new TextDecoder().decode(file.bytes) : undefined;
  return failingCommand(text, step);
}

function verifiedSentence(command: FailingCommand, agent: Parameters<typeof testsSentence>[0]): string {
  if (!("command" in command))
    return `The failing command could not be found (${command.reason}), so the fix was not verified locally. ${testsSentence(agent)}`;
  const first = command.command.split("\n")[0]!;
  const shown = `\`${first.replace(/`/g, "'")}${first === command.command ? "" : " …"}\``;
  return agent.verification === "passed"
    ? `${shown}, the command of the failing step "${command.step}", passed after the change.`
    : agent.verification === "failed"
      ? `⚠️ ${shown}, the command of the failing step "${command.step}", still fails after the change; see the run's report.`
      : `${shown}, the command of the failing step "${command.step}", was not run, so the fix was not verified locally.`;
}
