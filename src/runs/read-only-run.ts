import type { RunSessionResult } from "./run-session.js";
import { runAgentStep } from "./agent-step.js";
import {
  agentStopped,
  baseRef,
  codeRef,
  finished,
  promptFor,
  ran,
  refsFor,
  workspaceFor,
  type Done,
  type RunScope,
} from "./run-scope.js";

// A comment holds 65,536 characters; a plan is posted twice (shown, and in its marker).
const MAX_PLAN_CHARS = 20_000;

/** An answer or a plan: read-only tools over a checkout of the thread's code; the reply is the report. */
export async function readOnlyRun(s: RunScope, mode: "answer" | "plan"): Promise<Done> {
  const { request } = s;
  const ws = await workspaceFor(s, refsFor(request));
  let run: RunSessionResult;
  try {
    run = await runAgentStep(
      {
        mode,
        repoDir: ws.dir,
        base: ws.shas[codeRef(request)]!,
        instructionsFrom: ws.shas[baseRef(request)],
        instruction: request.instruction,
        prompt: await promptFor(s, request.instruction),
      },
      s,
    );
  } finally {
    await ws.cleanup();
  }
  const { agent } = run;
  if (agent.outcome !== "finished") return { report: agentStopped(s, run) };
  if (mode === "answer") {
    return {
      report: finished(s, "answered", "here is the answer.", { details: agent.finalText, ...ran(run) }),
    };
  }
  const phrase = request.config.trigger.phrase;
  const text =
    agent.finalText.length <= MAX_PLAN_CHARS
      ? agent.finalText
      : `${agent.finalText.slice(0, MAX_PLAN_CHARS)}\n\n…(cut: the plan was longer than a comment holds)`;
  return {
    report: finished(
      s,
      "planned",
      `here is the plan. Reply \`${phrase} approve\` to carry it out as written.`,
      { details: text, ...ran(run) },
    ),
    plan: { request: request.instruction, text },
  };
}
