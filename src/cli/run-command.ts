import { resolve } from "node:path";
import { runSession } from "../runs/run-session.js";
import { agentTree } from "../runs/report.js";
import { DEFAULT_MODEL } from "../agent/model/default-model.js";
import { createModelClient, missingModelSetting } from "../agent/model/model-provider.js";
import { ReplayModel } from "../agent/model/replay-model.js";
import type { AgentEvent } from "../agent/events.js";
import { ModelError } from "../agent/model-types.js";
import { parseRepoConfig, formatConfigError } from "../config/parse-repo-config.js";
import { RepoConfig } from "../config/schema.js";
import { readConfinedFile } from "../guard/sources/read-confined.js";
import type { CliIo } from "./io.js";
import { checkRunRepo } from "./run-preflight.js";
import { readRunOptions, type RawRunOptions } from "./run-options.js";

/** `patchwright run --repo DIR "instruction"`: exit 0 done (and clean), 1 run failed or blocked, 2 bad usage. */
export async function runRunCommand(instruction: string, raw: RawRunOptions, io: CliIo): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`patchwright: ${message}\n`);
    return 2;
  };
  // Refused before anything is made: an empty request would name a branch and spend a turn on nothing.
  if (!instruction.trim())
    return fail(`the request is empty: say what to do, e.g. patchwright run "fix the failing test".`);
  const read = readRunOptions(raw);
  if (!read.ok) return fail(read.message);
  const opts = read.options;
  const repo = resolve(io.cwd, opts.repo);
  const preflight = await checkRunRepo(repo, opts.repo, opts.base);
  if (!preflight.ok) return fail(preflight.message);
  // Like every file of the repository the harness reads: not through a link out, not a FIFO, not huge.
  const configFile = await readConfinedFile(repo, ".github/patchwright.yml", { maxBytes: 1024 * 1024 });
  if (!configFile.ok && configFile.reason !== "missing")
    return fail(`${configFile.message}: not used as the config`);
  let config = RepoConfig.parse({});
  if (configFile.ok) {
    const parsed = parseRepoConfig(configFile.text, ".github/patchwright.yml");
    if (!parsed.ok) return fail(formatConfigError(parsed.error));
    config = parsed.config;
  }
  const limits = {
    maxTurns: opts.maxTurns ?? config.limits.maxTurns,
    maxCostUsd: opts.maxCost ?? config.limits.maxCostUsd,
    timeoutMs: (opts.timeout ?? config.limits.timeoutMinutes) * 60_000,
  };
  // Say so before a worktree is made, not after the first turn. The CLI has no region option, so the
  // sentence names only the environment variable.
  const missing = opts.replay ? undefined : missingModelSetting({ provider: opts.provider, env: io.env });
  if (missing) return fail(missing.replace(/ \(or the \w+ option\)/, ""));
  if (preflight.warning) io.stderr.write(`patchwright: warning: ${preflight.warning}\n`);
  let model;
  let replay: ReplayModel | undefined;
  try {
    replay = opts.replay ? ReplayModel.fromFile(resolve(io.cwd, opts.replay)) : undefined;
    model = replay ?? createModelClient({ provider: opts.provider, env: io.env });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const modelName = opts.model ?? config.model ?? DEFAULT_MODEL;
  try {
    const result = await runSession({
      repo,
      instruction,
      mode: opts.mode,
      ...(opts.base ? { base: opts.base } : {}),
      model,
      modelName,
      limits,
      config,
      author: opts.author,
      keep: opts.keep,
      env: io.env,
      onEvent: (e) => io.stderr.write(describeEvent(e)),
    });
    const { agent } = result;
    const tokens = agent.usage.inputTokens + agent.usage.outputTokens;
    const lines = [
      "",
      `outcome:    ${agent.outcome} — ${agent.reason}`,
      `branch:     ${result.branch ?? "(none: nothing was committed)"}`,
      `files:      ${result.files.length ? result.files.join(", ") : "(none)"}`,
      `tests:      ${agent.verification.replace("_", " ")}`,
      `turns:      ${agent.turns}`,
      `tokens:     ${tokens} (input ${agent.usage.inputTokens}, output ${agent.usage.outputTokens}, cache read ${agent.usage.cacheReadInputTokens}, cache write ${agent.usage.cacheCreationInputTokens})`,
      replay
        ? `cost:       nothing was spent (replayed; the recording's figures: $${agent.costUsd.toFixed(4)})`
        : `cost:       $${agent.costUsd.toFixed(4)}${agent.costKnown ? "" : " (estimated)"}`,
      `sandbox:    ${result.sandbox}`,
      `transcript: ${result.transcriptPath}`,
      ...(result.worktree ? [`worktree:   ${result.worktree}`] : []),
    ];
    if (replay?.divergence) {
      const { turn, reason } = replay.divergence;
      lines.push(
        `warning:    the replay diverged from its recording at turn ${turn}: ${reason}. From there the recorded answers did not fit this run, so its outcome says nothing about this repository.`,
      );
    }
    if (agent.agents?.length)
      lines.push("sub-agents: (turns, tokens and cost above include them)", ...agentTree(agent.agents, 1));
    for (const warning of result.warnings) lines.push(`warning:    ${warning}`);
    if (result.blockedBy.length) {
      lines.push(
        "",
        `The leak guard blocked the commit on ${result.branch}: nothing may be pushed from it.`,
        ...result.blockedBy.map((f) => `  ${f.path || f.where}:${f.line} ${f.ruleId} ${f.redacted}`),
      );
    }
    io.stdout.write(`${lines.join("\n")}\n`);
    // A replay that diverged did not reproduce its recording: that is a failure of what was asked.
    return agent.outcome === "finished" && result.blockedBy.length === 0 && !replay?.divergence ? 0 : 1;
  } catch (err) {
    if (err instanceof ModelError) return fail(err.message);
    throw err;
  }
}

function describeEvent(e: AgentEvent): string {
  switch (e.type) {
    case "turn_started":
      return `· turn ${e.turn}\n`;
    case "model_text":
      return `  ${e.text.split("\n").join("\n  ")}\n`;
    case "tool_requested":
      return `  → ${e.name} ${JSON.stringify(e.input).slice(0, 160)}\n`;
    case "tool_result":
      return e.isError ? `  ✗ ${e.content.split("\n")[0]!.slice(0, 200)}\n` : "";
    case "verification":
      return `  tests (${e.command}): ${e.passed ? "passed" : "failed"}\n`;
    case "limit_reached":
      return `  limit: ${e.detail}\n`;
    case "instructions":
      return e.files.length ? `  instructions: ${e.files.join(", ")}\n` : "";
    default:
      return "";
  }
}
