// One scripted session for `npm run bench:context`, in this process: runAgent from dist/ with the real
// Anthropic client pointed at the fake server (maxRetries 0), toolsFor("write"), policyFor("implement"),
// the implement system prompt and a tool context on the given repository copy, as bench/harness does,
// plus the `context` options under test. Returns the loop's result and its compaction events.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { clearTimeout, setTimeout } from "node:timers";
import { URL } from "node:url";

const dist = (p) => new URL(`../../dist/${p}`, import.meta.url).href;

/** The dist/ modules the session needs (also used by run.mjs for the model name and prices). */
export async function loadDist() {
  const [loop, client, tools, permissions, bash, sys, def, prices] = await Promise.all([
    import(dist("agent/loop.js")),
    import(dist("agent/model/anthropic-client.js")),
    import(dist("tools/index.js")),
    import(dist("agent/permissions/policies.js")),
    import(dist("workspace/sandbox/scrubbed-env.js")),
    import(dist("agent/system-prompt.js")),
    import(dist("agent/model/default-model.js")),
    import(dist("agent/model/prices.js")),
  ]);
  return { loop, client, tools, permissions, bash, sys, def, prices };
}

/** Runs `turns` scripted turns against 127.0.0.1:`port`; aborts after `timeoutMs`. */
export async function runSession({ d, port, repo, turns, context, timeoutMs }) {
  const model = d.client.createAnthropicClient({
    apiKey: "bench-key",
    baseURL: `http://127.0.0.1:${port}`,
    maxRetries: 0,
  });
  const abort = new globalThis.AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const scratchDir = mkdtempSync(join(tmpdir(), "bench-context-scratch-"));
  const env = d.bash.scrubbedEnv(process.env, mkdtempSync(join(tmpdir(), "bench-context-home-")));
  const compactions = [];
  let toolErrors = 0;
  let turn = 0;
  let result;
  try {
    const loop = d.loop.runAgent({
      model,
      modelName: d.def.DEFAULT_MODEL,
      system: d.sys.systemPrompt("implement"),
      instruction: "Raise the limits in the pipeline modules and review the big table. (scripted benchmark)",
      tools: d.tools.toolsFor("write"),
      rules: d.permissions.policyFor("implement"),
      toolContext: {
        root: realpathSync(repo),
        env,
        scratchDir,
        signal: abort.signal,
        commandTimeoutMs: 30_000,
        allowNetwork: false,
      },
      limits: { maxTurns: turns + 10, maxCostUsd: 1e9, timeoutMs },
      context,
      signal: abort.signal,
    });
    for (;;) {
      const step = await loop.next();
      if (step.done) {
        result = step.value;
        break;
      }
      const e = step.value;
      if (e.type === "turn_started") turn = e.turn;
      else if (e.type === "tool_result" && e.isError) toolErrors++;
      else if (e.type === "compacted") {
        compactions.push({
          beforeTurn: turn,
          level: e.level,
          beforeTokens: e.beforeTokens,
          afterTokens: e.afterTokens,
          ...(e.failed ? { failed: e.failed } : {}),
        });
      }
    }
  } finally {
    clearTimeout(timer);
    for (const dir of [scratchDir, env.HOME]) if (dir) rmSync(dir, { recursive: true, force: true });
  }
  return {
    outcome: result.outcome,
    reason: result.reason,
    turns: result.turns,
    usage: result.usage,
    costUsd: result.costUsd,
    toolErrors,
    compactions,
  };
}
