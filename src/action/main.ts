import * as core from "@actions/core";
import { Octokit } from "@octokit/core";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createModelClient } from "../agent/model/model-provider.js";
import { formatMarkdown } from "../guard/format/format-markdown.js";
import { derivePlanKey } from "../runs/plan-mac.js";
import { renderReport } from "../runs/report.js";
import type { OctokitLike } from "../github/octokit-like.js";
import { credentialValues } from "../workspace/sandbox/scrubbed-env.js";
import { timelineMarkdown } from "../runs/run-log/timeline.js";
import { FAILING, runAgentAction } from "./agent-run.js";
import { uploadTranscript } from "./transcript-artifact.js";
import { runGuardCheck } from "./guard-check.js";
import { GuardedOutput, jobGuard, RUNNER } from "./guarded-output.js";
import { readActionInputs, type ActionInputs } from "./read-inputs.js";

// The Action's entry: with guarded-output.ts (its writer), the only file that knows @actions/core.

async function main(out: GuardedOutput): Promise<void> {
  const read = readActionInputs((name) => core.getInput(name), process.env);
  if (!read.ok) return out.setFailed(read.error);
  const inputs = read.inputs;
  // Registered as secrets, the terms and keys are masked wherever they would appear in the job's log
  // (a token made by an earlier step is not masked unless someone registers it).
  for (const secret of [
    ...inputs.forbidden_terms,
    inputs.github_token,
    inputs.anthropic_api_key,
    inputs.plan_secret,
  ])
    if (secret) core.setSecret(secret);
  if (inputs.mode === "guard") return guardMode(inputs, out);

  const token = inputs.github_token!;
  const apiKey = inputs.anthropic_api_key;
  const planSecret = inputs.plan_secret;
  // The key reaches the model client only: the agent's commands get a scrubbed environment.
  const modelEnv = apiKey ? { ...process.env, ANTHROPIC_API_KEY: apiKey } : process.env;
  // A cancelled workflow run sends SIGINT, then SIGTERM: the run stops and says so before the runner kills it.
  const cancelled = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => cancelled.abort(new Error("the workflow run was cancelled")));
  const octokit = createOctokit(token, out);
  const result = await runAgentAction(inputs, {
    eventName: process.env["GITHUB_EVENT_NAME"] ?? "",
    eventPath: process.env["GITHUB_EVENT_PATH"],
    env: process.env,
    octokit,
    token,
    // Besides the token, the job's other credentials are found by value in everything the run sends.
    secrets: [apiKey, planSecret, ...credentialValues(process.env)].filter((v): v is string => !!v),
    botLogin: inputs.bot_login,
    // With a plan secret, plans are MACed too; without, approve relies on GitHub's edit history.
    ...(planSecret ? { planKey: derivePlanKey(planSecret, "plan-secret") } : {}),
    model: createModelClient({ provider: inputs.provider, env: modelEnv }),
    workspace: process.env["GITHUB_WORKSPACE"] ?? process.cwd(),
    signal: cancelled.signal,
    // Outside the checkout, so the transcript can be uploaded from where it is known to be.
    transcriptDir: join(process.env["RUNNER_TEMP"] ?? tmpdir(), "patchwright-transcripts"),
    newRunId: () => randomUUID(),
    now: () => new Date(),
    log: { info: (m) => out.info(m), warn: (m) => out.warning(m) },
  });
  if (result.guard) out.use(result.guard);
  // A broken config where no one asked (a schedule, an automatic review) is an error on the file: the run
  // page shows it, and the failed job below tells the maintainers, who would otherwise see a green run.
  if (result.configError)
    out.error(result.notice, { title: "patchwright: invalid config", file: result.configError.file });
  else out.notice(result.notice);
  const report = result.report;
  out.setOutput("conclusion", result.conclusion);
  out.setOutput("run_kind", result.runKind);
  out.setOutput("branch", report?.branch ?? "");
  out.setOutput("pr_number", report?.pullRequest ? String(report.pullRequest.number) : "");
  out.setOutput("pr_url", report?.pullRequest?.url ?? "");
  const all = result.reports ?? (report ? [report] : []);
  const cost = all.reduce((sum, r) => sum + (r.agent?.costUsd ?? 0), 0);
  out.setOutput("cost_usd", cost.toFixed(4));
  const timeline = result.timeline?.length ? `\n\n${timelineMarkdown(result.timeline)}` : "";
  await out.summary(
    all.length
      ? `${all.map(renderReport).join("\n\n---\n\n")}${timeline}`
      : `### patchwright\n\n${result.notice}\n`,
  );
  if (inputs.upload_transcript && result.transcriptPath) {
    const runId = result.transcriptPath.replace(/^.*\//, "").replace(/\.jsonl$/, "");
    try {
      out.info(await uploadTranscript(result.transcriptPath, runId));
    } catch (err) {
      out.warning(
        `The transcript could not be uploaded as an artifact: ${(err as Error)?.message ?? String(err)}`,
      );
    }
  }
  // The job fails when the work asked for was not done, so a workflow can tell.
  if (report && FAILING.has(report.outcome)) out.setFailed(result.notice);
  if (result.configError) process.exitCode = core.ExitCode.Failure;
}

function createOctokit(token: string, out: GuardedOutput): OctokitLike {
  const GitHub = Octokit.plugin(retry, throttling);
  return new GitHub({
    auth: token,
    // GitHub Enterprise Server: the runner says where the API is.
    baseUrl: process.env["GITHUB_API_URL"] ?? "https://api.github.com",
    // Octokit's own warnings (retries, deprecations) are log lines too: through the guard, not the console.
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => out.warning(message),
      error: (message: string) => out.warning(message),
    },
    throttle: {
      onRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 2,
      onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 2,
    },
  });
}

async function guardMode(inputs: ActionInputs, out: GuardedOutput): Promise<void> {
  const result = await runGuardCheck(
    {
      scope: inputs.scan,
      forbiddenTerms: inputs.forbidden_terms.join("\n"),
      forbiddenTermHashes: inputs.forbidden_term_hashes,
      config: inputs.config_path,
    },
    {
      workspace: process.env["GITHUB_WORKSPACE"] ?? process.cwd(),
      eventName: process.env["GITHUB_EVENT_NAME"] ?? "",
      eventPath: process.env["GITHUB_EVENT_PATH"],
      env: process.env,
    },
  );
  if (!result.ok) return out.setFailed(result.error);
  const { report, warnings, scanned } = result;
  out.info(`The leak guard scanned ${scanned}.`);
  for (const w of warnings) out.warning(w);
  for (const f of report.findings) {
    const file =
      f.where === "file" || f.where === "package"
        ? { file: f.path, startLine: f.line, startColumn: f.column }
        : {};
    out.error(`${f.message}: ${f.redacted}${f.commit ? ` (commit ${f.commit.slice(0, 12)})` : ""}`, {
      title: `patchwright: ${f.ruleId}`,
      ...file,
    });
  }
  // A policy set to `warn` (guard.policy): shown, never failing the step.
  for (const f of report.advisories) out.warning(`${f.path}: ${f.message} (not blocking: guard.policy)`);
  out.setOutput("findings", String(report.findings.length));
  out.setOutput("conclusion", report.findings.length > 0 ? "leaks_found" : "clean");
  await out.summary(`${formatMarkdown(report)}\nScanned ${scanned}.\n`);
  if (report.findings.length > 0) {
    out.setFailed(
      `The leak guard found ${report.findings.length} leak(s); see the annotations and the job summary.`,
    );
  }
}

/**
 * The Action, run once: what bundle/action.js starts (src/action/index.ts), and what
 * `@github/local-action` drives for local debugging. It never rejects: a failure fails the step.
 */
export async function run(): Promise<void> {
  // Log lines, annotations, outputs and the summary are outbound text: each passes the leak guard, with the
  // job's own secrets from the start and the run's config once there is one.
  const out = new GuardedOutput(
    RUNNER,
    jobGuard(core.getInput("forbidden_terms"), [
      core.getInput("github_token"),
      process.env["GITHUB_TOKEN"],
      core.getInput("anthropic_api_key"),
      core.getInput("plan_secret"),
      ...credentialValues(process.env),
    ]),
  );
  try {
    await main(out);
  } catch (err) {
    out.setFailed(`patchwright failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
