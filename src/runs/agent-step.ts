import type { AgentEvent } from "../agent/events.js";
import { runSession, type RunSessionResult } from "./run-session.js";
import type { RunMode } from "../agent/system-prompt.js";
import { createProgressTool, PROGRESS_TOOL, type ProgressItem } from "../tools/progress-tool.js";
import { renderProgress } from "./report.js";
import type { RunScope } from "./run-scope.js";

export interface AgentStep {
  mode: RunMode;
  /** The repository (clone or checkout) and the commit the run starts from. */
  repoDir: string;
  base: string;
  /** The commit whose instruction files count (a pull request's base); the worktree's own by default. */
  instructionsFrom?: string | undefined;
  instruction: string;
  prompt: string;
  commitTitle?: string;
  trailers?: string[];
}

/** One harness run inside a GitHub run: the agent's checklist and current step go to the tracking comment. */
export async function runAgentStep(step: AgentStep, s: RunScope): Promise<RunSessionResult> {
  const { request, deps, tracker, signal, started } = s;
  const config = request.config;
  let checklist: ProgressItem[] = [];
  let current = "starting";
  const show = (): void =>
    tracker.progress(
      renderProgress({
        kind: request.kind,
        checklist,
        step: current,
        elapsedMs: deps.now().getTime() - started,
        followUrl: deps.followUrl,
      }),
    );
  const progressTool = createProgressTool((items) => {
    checklist = items;
    show();
  });
  return runSession({
    repo: step.repoDir,
    base: step.base,
    ...(step.instructionsFrom ? { instructionsFrom: step.instructionsFrom } : {}),
    branch: `patchwright-run/${request.id}`,
    runId: request.id,
    ...(deps.transcriptDir ? { transcriptDir: deps.transcriptDir } : {}),
    instruction: step.instruction,
    prompt: step.prompt,
    ...(step.commitTitle ? { commitTitle: step.commitTitle } : {}),
    ...(step.trailers ? { trailers: step.trailers } : {}),
    mode: step.mode,
    model: deps.model,
    modelName: config.model ?? deps.defaultModel,
    limits: {
      maxTurns: config.limits.maxTurns,
      maxCostUsd: config.limits.maxCostUsd,
      timeoutMs: config.limits.timeoutMinutes * 60_000,
    },
    config,
    author: deps.author,
    keep: false,
    env: deps.env,
    signal,
    extraTools: [progressTool],
    onEvent: (e, agent) => {
      // The run page's timeline is the run's own agent's; a sub-agent's steps show in the comment only.
      if (agent === undefined) deps.runLog?.event(request, e);
      const said = describeStep(e);
      if (said === undefined) return;
      current = agent === undefined ? said : `${agent}: ${said}`;
      show();
    },
  });
}

/** The current step in a few words; never the content of files or the output of commands. */
function describeStep(e: AgentEvent): string | undefined {
  switch (e.type) {
    case "turn_started":
      return `turn ${e.turn}`;
    case "tool_requested": {
      if (e.name === PROGRESS_TOOL) return undefined;
      const input = (e.input ?? {}) as { command?: unknown; path?: unknown };
      if (e.name === "bash" && typeof input.command === "string")
        return `running \`${input.command.split("\n")[0]!.slice(0, 80).replace(/`/g, "'")}\``;
      if (typeof input.path === "string") {
        const reading = e.name !== "str_replace_based_edit_tool" || input.command === "view";
        return `${reading ? "reading" : "editing"} \`${input.path.slice(0, 120).replace(/`/g, "'")}\``;
      }
      return `using ${e.name}`;
    }
    case "verification":
      return `tests ${e.passed ? "passed" : "failed"} (\`${e.command.slice(0, 80)}\`)`;
    case "compacted":
      return "compacting the conversation";
    default:
      return undefined;
  }
}
