import { readFile } from "node:fs/promises";
import type { RepoConfig } from "../config/schema.js";
import type { OctokitLike } from "../github/octokit-like.js";
import { rulesRouter } from "../request/route-intent.js";
import type { RunRequest } from "../request/run-request.js";
import { handleEvent, type FrontDoorLog, type Outcome } from "../runs/front-door.js";
import { notBuiltExecutor } from "../runs/not-built-executor.js";
import type { RunQueue } from "../runs/run-queue.js";

export interface AgentInputs {
  triggerPhrase: string;
  prompt: string;
  model: string;
  maxTurns: string;
  maxCostUsd: string;
  timeoutMinutes: string;
  forbiddenTerms: string;
  configPath: string;
}

export interface AgentContext {
  eventName: string;
  eventPath: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  octokit: OctokitLike;
  /** The login the workflow's token acts as (github-actions[bot] for GITHUB_TOKEN). */
  botLogin: string;
  newRunId: () => string;
  now: () => Date;
  log: FrontDoorLog;
}

export interface AgentResult {
  conclusion: "skipped" | "replied" | "duplicate" | "not_implemented";
  runKind: string;
  /** One sentence for the log and the job summary. */
  notice: string;
}

/** The Action's mention/prompt mode: the same front door as the App, with the run carried out inline. */
export async function runAgentAction(inputs: AgentInputs, ctx: AgentContext): Promise<AgentResult> {
  const payload: unknown = ctx.eventPath ? JSON.parse(await readFile(ctx.eventPath, "utf8")) : {};
  const queued: RunRequest[] = [];
  const queue: RunQueue = {
    add: (r) => void queued.push(r),
    cancel: () => false,
    onIdle: () => Promise.resolve(),
  };
  const [owner, name] = (ctx.env["GITHUB_REPOSITORY"] ?? "/").split("/");
  const server = ctx.env["GITHUB_SERVER_URL"] ?? "https://github.com";
  const runId = ctx.env["GITHUB_RUN_ID"];

  const outcome: Outcome = await handleEvent(
    { id: runId ?? ctx.newRunId(), name: ctx.eventName, payload },
    {
      octokit: ctx.octokit,
      queue,
      botLogin: ctx.botLogin,
      router: rulesRouter,
      newRunId: ctx.newRunId,
      now: ctx.now,
      log: ctx.log,
      ...(runId ? { followUrl: `${server}/${owner}/${name}/actions/runs/${runId}` } : {}),
      // A scheduled workflow runs on the default branch and its payload names no repository.
      ...(owner && name
        ? { fallbackRepository: { owner, name, defaultBranch: ctx.env["GITHUB_REF_NAME"] ?? "main" } }
        : {}),
      ...(inputs.prompt.trim() ? { prompt: inputs.prompt } : {}),
      ...(inputs.configPath.trim() ? { configPath: inputs.configPath.trim() } : {}),
      adjustConfig: (config) => withInputs(config, inputs),
    },
  );

  const execute = notBuiltExecutor(() => Promise.resolve(ctx.octokit), ctx.log);
  for (const request of queued) await execute(request, new AbortController().signal);

  switch (outcome.status) {
    case "queued":
      return {
        conclusion: "not_implemented",
        runKind: outcome.request.kind,
        notice: `patchwright understood a ${outcome.request.kind} request, but this version cannot carry it out yet: nothing was changed.`,
      };
    case "duplicate":
      return { conclusion: "duplicate", runKind: "", notice: "patchwright already answered this trigger." };
    case "replied":
      return {
        conclusion: "replied",
        runKind: "",
        notice: `patchwright replied on the thread (${outcome.reason}).`,
      };
    case "ignored":
      return {
        conclusion: "skipped",
        runKind: "",
        notice: `This event is not for patchwright: ${outcome.reason}.`,
      };
  }
}

/** The Action's inputs win over the repository's file, field by field; empty inputs change nothing. */
function withInputs(config: RepoConfig, inputs: AgentInputs): RepoConfig {
  const number = (value: string, fallback: number): number => (value.trim() ? Number(value) : fallback);
  const terms = inputs.forbiddenTerms
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    ...config,
    trigger: { ...config.trigger, phrase: inputs.triggerPhrase.trim() || config.trigger.phrase },
    limits: {
      maxTurns: number(inputs.maxTurns, config.limits.maxTurns),
      maxCostUsd: number(inputs.maxCostUsd, config.limits.maxCostUsd),
      timeoutMinutes: number(inputs.timeoutMinutes, config.limits.timeoutMinutes),
    },
    ...(inputs.model.trim() ? { model: inputs.model.trim() } : {}),
    guard: { ...config.guard, forbiddenTerms: [...config.guard.forbiddenTerms, ...terms] },
  };
}
