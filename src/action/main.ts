import * as core from "@actions/core";
import { Octokit } from "@octokit/core";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { randomUUID } from "node:crypto";
import { createModelClient, type ModelProvider } from "../agent/model/anthropic-client.js";
import { formatMarkdown } from "../guard/format/format-markdown.js";
import { renderReport } from "../runs/report.js";
import type { OctokitLike } from "../github/octokit-like.js";
import { runAgentAction, type AgentInputs } from "./agent-run.js";
import { runGuardCheck } from "./guard-check.js";
import { GuardScope } from "./guard-target.js";

// The Action's entry: the only file that knows @actions/core. Inputs come as INPUT_* variables.
const NUMERIC_INPUTS = ["max_turns", "max_cost_usd", "timeout_minutes"] as const;

async function main(): Promise<void> {
  const terms = core.getInput("forbidden_terms");
  // Registered as secrets, the terms are masked wherever they would appear in the job's log.
  for (const term of terms.split(/[,\n]/).map((t) => t.trim())) if (term) core.setSecret(term);
  const mode = core.getInput("mode") || "agent";
  if (mode === "guard") return guardMode(terms);
  if (mode !== "agent") return core.setFailed(`The input "mode" must be agent or guard, not "${mode}".`);

  for (const name of NUMERIC_INPUTS) {
    const value = core.getInput(name);
    if (value && !(Number(value) > 0))
      return core.setFailed(`The input "${name}" must be a positive number, not "${value}".`);
  }
  const token = core.getInput("github_token") || process.env["GITHUB_TOKEN"];
  if (!token)
    return core.setFailed(
      'The input "github_token" is empty: pass ${{ secrets.GITHUB_TOKEN }} or an App token.',
    );
  // A token made by an earlier step is not masked unless someone registers it.
  core.setSecret(token);
  const inputs: AgentInputs = {
    triggerPhrase: core.getInput("trigger_phrase"),
    prompt: core.getInput("prompt"),
    model: core.getInput("model"),
    maxTurns: core.getInput("max_turns"),
    maxCostUsd: core.getInput("max_cost_usd"),
    timeoutMinutes: core.getInput("timeout_minutes"),
    forbiddenTerms: terms,
    configPath: core.getInput("config_path"),
  };
  const apiKey = core.getInput("anthropic_api_key");
  if (apiKey) core.setSecret(apiKey);
  // The key reaches the model client only: the agent's commands get a scrubbed environment.
  const modelEnv = apiKey ? { ...process.env, ANTHROPIC_API_KEY: apiKey } : process.env;
  // A cancelled workflow run sends SIGINT, then SIGTERM: the run stops and says so before the runner kills it.
  const cancelled = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => cancelled.abort(new Error("the workflow run was cancelled")));
  const octokit = createOctokit(token);
  const result = await runAgentAction(inputs, {
    eventName: process.env["GITHUB_EVENT_NAME"] ?? "",
    eventPath: process.env["GITHUB_EVENT_PATH"],
    env: process.env,
    octokit,
    token,
    botLogin: core.getInput("bot_login") || "github-actions[bot]",
    model: createModelClient({
      provider: (core.getInput("provider") || "anthropic") as ModelProvider,
      env: modelEnv,
    }),
    workspace: process.env["GITHUB_WORKSPACE"] ?? process.cwd(),
    signal: cancelled.signal,
    newRunId: randomUUID,
    now: () => new Date(),
    log: { info: (m) => core.info(m), warn: (m) => core.warning(m) },
  });
  core.notice(result.notice);
  const report = result.report;
  core.setOutput("conclusion", result.conclusion);
  core.setOutput("run_kind", result.runKind);
  core.setOutput("branch", report?.branch ?? "");
  core.setOutput("pr_number", report?.pullRequest ? String(report.pullRequest.number) : "");
  core.setOutput("pr_url", report?.pullRequest?.url ?? "");
  core.setOutput("cost_usd", (report?.agent?.costUsd ?? 0).toFixed(4));
  if (process.env["GITHUB_STEP_SUMMARY"]) {
    await core.summary
      .addRaw(report ? renderReport(report) : `### patchwright\n\n${result.notice}\n`)
      .write();
  }
  // The job fails when the work asked for was not done, so a workflow can tell.
  if (report && ["failed", "blocked", "limit"].includes(report.outcome)) core.setFailed(result.notice);
}

function createOctokit(token: string): OctokitLike {
  const GitHub = Octokit.plugin(retry, throttling);
  return new GitHub({
    auth: token,
    // GitHub Enterprise Server: the runner says where the API is.
    baseUrl: process.env["GITHUB_API_URL"] ?? "https://api.github.com",
    throttle: {
      onRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 2,
      onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 2,
    },
  });
}

async function guardMode(terms: string): Promise<void> {
  const scope = GuardScope.safeParse(core.getInput("scan") || "auto");
  if (!scope.success) return core.setFailed(`The input "scan" must be auto, tree or pack.`);
  const result = await runGuardCheck(
    {
      scope: scope.data,
      forbiddenTerms: terms,
      forbiddenTermHashes: core.getInput("forbidden_term_hashes"),
      config: core.getInput("config_path") || undefined,
    },
    {
      workspace: process.env["GITHUB_WORKSPACE"] ?? process.cwd(),
      eventName: process.env["GITHUB_EVENT_NAME"] ?? "",
      eventPath: process.env["GITHUB_EVENT_PATH"],
      env: process.env,
    },
  );
  if (!result.ok) return core.setFailed(result.error);
  const { report, warnings } = result;
  for (const w of warnings) core.warning(w);
  for (const f of report.findings) {
    const file =
      f.where === "file" || f.where === "package"
        ? { file: f.path, startLine: f.line, startColumn: f.column }
        : {};
    core.error(`${f.message}: ${f.redacted}${f.commit ? ` (commit ${f.commit.slice(0, 12)})` : ""}`, {
      title: `patchwright: ${f.ruleId}`,
      ...file,
    });
  }
  core.setOutput("findings", report.findings.length);
  core.setOutput("conclusion", report.findings.length > 0 ? "leaks_found" : "clean");
  if (process.env["GITHUB_STEP_SUMMARY"]) await core.summary.addRaw(formatMarkdown(report)).write();
  if (report.findings.length > 0) {
    core.setFailed(
      `The leak guard found ${report.findings.length} leak(s); see the annotations and the job summary.`,
    );
  }
}

main().catch((err: unknown) => {
  core.setFailed(`patchwright failed: ${err instanceof Error ? err.message : String(err)}`);
});
