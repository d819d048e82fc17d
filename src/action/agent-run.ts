import { join } from "node:path";
import { memoryRunLog } from "../runs/run-log/memory-run-log.js";
import type { TimelineEntry } from "../runs/run-log/timeline.js";
import { readFile } from "node:fs/promises";
import { DEFAULT_MODEL } from "../agent/model/default-model.js";
import type { ModelClient } from "../agent/model-types.js";
import { formatConfigError, type ConfigError } from "../config/parse-repo-config.js";
import type { RepoConfig } from "../config/schema.js";
import type { GuardConfig } from "../guard/config.js";
import { botIdentity } from "../github/identity.js";
import { KnownSecrets, withKnownSecrets } from "../guard/known-secrets.js";
import type { OctokitLike } from "../github/octokit-like.js";
import { rulesRouter } from "../request/route-intent.js";
import type { RunRequest } from "../request/run-request.js";
import { createRunExecutor } from "../runs/execute-run.js";
import { handleEvent } from "../runs/front-door.js";
import type { FrontDoorLog, Outcome } from "../runs/front-door/types.js";
import type { RunReport } from "../runs/report.js";
import type { RunQueue } from "../runs/queue/run-queue.js";
import type { ActionInputs } from "./read-inputs.js";

/** The inputs a mention or prompt run uses, already checked and converted (read-inputs.ts). */
export type AgentInputs = Pick<
  ActionInputs,
  | "trigger_phrase"
  | "prompt"
  | "model"
  | "max_turns"
  | "max_cost_usd"
  | "timeout_minutes"
  | "forbidden_terms"
  | "config_path"
>;

export interface AgentContext {
  eventName: string;
  eventPath: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  octokit: OctokitLike;
  /** The workflow's token: for git, in a header; never given to the agent. */
  token: string;
  /** Other secrets the job holds (the model's API key): like the token, found by value in all output. */
  secrets?: readonly string[];
  /** The login the workflow's token acts as (github-actions[bot] for GITHUB_TOKEN). */
  botLogin: string;
  model: ModelClient;
  /** The job's checkout (GITHUB_WORKSPACE), where the run works. */
  workspace: string;
  /** The repository's git URL; by default `${GITHUB_SERVER_URL}/owner/name.git`. */
  gitUrl?: string;
  /** The key plans are MACed with, from the `plan_secret` input; without it, edit history alone holds. */
  planKey?: Uint8Array;
  /** Where the run's transcript is written (RUNNER_TEMP's), so the job can upload it as an artifact. */
  transcriptDir?: string;
  /** Cancelled when the workflow run is. */
  signal?: AbortSignal;
  newRunId: () => string;
  now: () => Date;
  log: FrontDoorLog;
}

export interface AgentResult {
  /** skipped, replied or duplicate when no run happened; otherwise the run's outcome. */
  conclusion: "skipped" | "replied" | "duplicate" | RunReport["outcome"];
  runKind: string;
  /** One sentence for the log. */
  notice: string;
  /** The run's report, when a run happened: the job summary and the outputs come from it. */
  report?: RunReport;
  /** Every run's report, when one event started several (maintenance tasks due at one tick). */
  reports?: RunReport[];
  /** The guard config the run used (the repository's, the inputs' terms, the job's secrets). */
  guard?: GuardConfig;
  /** The run's timeline, as the App's run page shows it: the job summary shows it too. */
  timeline?: TimelineEntry[];
  /** The run's transcript (redacted), when a run happened and wrote one. */
  transcriptPath?: string;
  /** The repository's config did not validate and no one asked on a thread: the job says so and fails. */
  configError?: ConfigError;
}

/** The Action's mention/prompt mode: the same front door as the App, with the run carried out inline. */
export async function runAgentAction(inputs: AgentInputs, ctx: AgentContext): Promise<AgentResult> {
  const payload: unknown = ctx.eventPath ? JSON.parse(await readFile(ctx.eventPath, "utf8")) : {};
  const queued: RunRequest[] = [];
  const queue: RunQueue = {
    add: (r) => Promise.resolve(void queued.push(r)),
    cancel: () => Promise.resolve(false),
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
      ...(inputs.prompt ? { prompt: inputs.prompt } : {}),
      ...(inputs.config_path ? { configPath: inputs.config_path } : {}),
      // The run's own credentials are found by value in everything it sends, whatever their format.
      adjustConfig: (config) =>
        withInputs(config, inputs, new KnownSecrets([ctx.token, ...(ctx.secrets ?? [])])),
    },
  );

  const reports: RunReport[] = [];
  const timeline = memoryRunLog();
  if (queued.length > 0) {
    const execute = createRunExecutor({
      octokitFor: () => Promise.resolve(ctx.octokit),
      // A workflow token lives as long as the job: the same one is fresh enough for every push.
      tokenFor: () => Promise.resolve(ctx.token),
      remoteUrlFor: (r) => ctx.gitUrl ?? `${server}/${r.repository.owner}/${r.repository.name}.git`,
      checkout: ctx.workspace,
      model: ctx.model,
      defaultModel: DEFAULT_MODEL,
      botLogin: ctx.botLogin,
      author: await botIdentity(ctx.octokit, ctx.botLogin),
      env: ctx.env,
      now: ctx.now,
      log: ctx.log,
      serverUrl: server,
      ...(ctx.planKey ? { planKey: ctx.planKey } : {}),
      ...(runId ? { followUrl: `${server}/${owner}/${name}/actions/runs/${runId}` } : {}),
      onReport: (_request, r) => void reports.push(r),
      runLog: timeline.log,
      ...(ctx.transcriptDir ? { transcriptDir: ctx.transcriptDir } : {}),
    });
    for (const request of queued) await execute(request, ctx.signal ?? new AbortController().signal);
  }

  const report = reports.at(-1);
  switch (outcome.status) {
    case "scheduled": {
      // The job's conclusion is the worst of its runs, so a failed task fails the job.
      const worst = reports.find((r) => FAILING.has(r.outcome)) ?? report;
      const kinds = outcome.requests.map((r) => r.maintenance?.task ?? "").join(", ");
      return {
        conclusion: worst?.outcome ?? "failed",
        runKind: "maintenance",
        notice: `patchwright ran ${reports.length} maintenance task${reports.length === 1 ? "" : "s"} (${kinds}): ${reports
          .map((r) => r.headline)
          .join(" ")}`,
        ...(worst ? { report: worst } : {}),
        reports,
        guard: outcome.requests[0]!.config.guard,
        timeline: timeline.entries,
      };
    }
    case "queued":
      return {
        conclusion: report?.outcome ?? "failed",
        runKind: outcome.request.kind,
        notice: report ? `patchwright ${report.headline}` : "patchwright did not report on the run.",
        ...(report ? { report } : {}),
        guard: outcome.request.config.guard,
        timeline: timeline.entries,
        ...(ctx.transcriptDir
          ? { transcriptPath: join(ctx.transcriptDir, `${outcome.request.id}.jsonl`) }
          : {}),
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
      if (outcome.configError)
        return {
          conclusion: "skipped",
          runKind: "",
          notice: `patchwright cannot run: ${formatConfigError(outcome.configError)} Fix the file on the default branch.`,
          configError: outcome.configError,
        };
      return {
        conclusion: "skipped",
        runKind: "",
        notice: `This event is not for patchwright: ${outcome.reason}.`,
      };
  }
}

/** Outcomes that fail the job. */
export const FAILING: ReadonlySet<string> = new Set(["failed", "blocked", "limit"]);

/** The Action's inputs win over the repository's file, field by field; unset inputs change nothing. */
function withInputs(config: RepoConfig, inputs: AgentInputs, secrets: KnownSecrets): RepoConfig {
  return {
    ...config,
    trigger: { ...config.trigger, phrase: inputs.trigger_phrase ?? config.trigger.phrase },
    limits: {
      maxTurns: inputs.max_turns ?? config.limits.maxTurns,
      maxCostUsd: inputs.max_cost_usd ?? config.limits.maxCostUsd,
      timeoutMinutes: inputs.timeout_minutes ?? config.limits.timeoutMinutes,
    },
    ...(inputs.model ? { model: inputs.model } : {}),
    guard: withKnownSecrets(
      { ...config.guard, forbiddenTerms: [...config.guard.forbiddenTerms, ...inputs.forbidden_terms] },
      secrets,
    ),
  };
}
