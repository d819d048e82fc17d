// Child process: one scripted session for `npm run bench:harness`, in a process of its own so its peak
// RSS is the harness's alone. Runs runAgent from dist/ with createAnthropicClient pointed at the fake model
// (maxRetries 0), toolsFor("write"), policyFor("implement"), the implement system prompt, and a tool
// context on the repository copy given in --repo; no verification. The model client's send is wrapped to
// time each call. Prints one JSON line with the measurements to stdout.
//   node bench/harness/session.mjs --port 1234 --repo /tmp/copy [--turns 50] [--timeout-ms 120000]
import console from "node:console";
import { realpathSync } from "node:fs";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { setTimeout, clearTimeout } from "node:timers";
import { URL } from "node:url";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    port: { type: "string" },
    repo: { type: "string" },
    turns: { type: "string", default: "50" },
    "timeout-ms": { type: "string", default: "120000" },
  },
});
const turns = Number.parseInt(args.turns, 10);
const timeoutMs = Number.parseInt(args["timeout-ms"], 10);
if (!args.port || !args.repo || !(turns > 0) || !(timeoutMs > 0))
  throw new Error("--port and --repo are required");

const now = () => performance.now();
const dist = (p) => new URL(`../../dist/${p}`, import.meta.url).href;

const t0 = now();
const [{ runAgent }, { createAnthropicClient }, { toolsFor }, { policyFor }, sys, def, { openRunSandbox }] =
  await Promise.all([
    import(dist("agent/loop.js")),
    import(dist("agent/model/anthropic-client.js")),
    import(dist("tools/index.js")),
    import(dist("agent/permissions/policies.js")),
    import(dist("agent/system-prompt.js")),
    import(dist("agent/model/default-model.js")),
    import(dist("workspace/sandbox/run-sandbox.js")),
  ]);
const importMs = now() - t0;
const rssAfterImportKb = process.resourceUsage().maxRSS;

const inner = createAnthropicClient({
  apiKey: "bench-key",
  baseURL: `http://127.0.0.1:${args.port}`,
  maxRetries: 0,
});
const sends = [];
const model = {
  async send(request, onText) {
    const start = now();
    try {
      return await inner.send(request, onText);
    } finally {
      sends.push(now() - start);
    }
  },
};

const abort = new globalThis.AbortController();
const timer = setTimeout(() => abort.abort(), timeoutMs);
const root = realpathSync(args.repo);
// The run's sandbox as `auto` picks it here (bubblewrap where it works), with its HOME and scratch
// folder, as a real run opens it.
const run = await openRunSandbox({
  hostEnv: { ...process.env, PATCHWRIGHT_SANDBOX: "auto" },
  root,
  readable: [],
  network: false,
  readOnly: false,
});
const { sandbox } = run;
const toolContext = {
  root,
  env: run.env,
  scratchDir: run.scratchDir,
  signal: abort.signal,
  commandTimeoutMs: 30_000,
  sandbox,
};

let toolMs = 0;
let toolCalls = 0;
let toolErrors = 0;
let events = 0;
const toolMsByName = {};
let result;
const started = now();
try {
  const loop = runAgent({
    model,
    modelName: def.DEFAULT_MODEL,
    system: sys.systemPrompt("implement"),
    instruction: "Raise the limits in the pipeline modules and review the big table. (scripted benchmark)",
    tools: toolsFor("write"),
    rules: policyFor("implement"),
    toolContext,
    limits: { maxTurns: turns + 10, maxCostUsd: 1e9, timeoutMs },
    signal: abort.signal,
  });
  for (;;) {
    const step = await loop.next();
    if (step.done) {
      result = step.value;
      break;
    }
    events++;
    const e = step.value;
    if (e.type === "tool_result") {
      toolMs += e.ms;
      toolCalls++;
      if (e.isError) toolErrors++;
      toolMsByName[e.name] = (toolMsByName[e.name] ?? 0) + e.ms;
    }
  }
} finally {
  clearTimeout(timer);
  await run.dispose();
}
const wallMs = now() - started;

console.log(
  JSON.stringify({
    outcome: result.outcome,
    reason: result.reason,
    turns: result.turns,
    usage: result.usage,
    costUsd: result.costUsd,
    wallMs,
    importMs,
    sendMs: sends,
    toolMs,
    toolMsByName,
    toolCalls,
    toolErrors,
    events,
    maxRssKb: process.resourceUsage().maxRSS,
    rssAfterImportKb,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
  }),
);
