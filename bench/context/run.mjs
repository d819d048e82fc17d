// `npm run bench:context`: what prompt caching and compaction do to the cost of a long session. Builds
// dist/ if it is missing, generates bench/harness's repository, starts the cache-accounting fake API on
// 127.0.0.1 (fake-cache-server.mjs), and runs the harness's scripted session through the real loop and
// client four times, each on a fresh copy of the repository and with an empty cache:
//   (a) as shipped — cache breakpoints and compaction with summaries — with a 200,000-token window,
//   (a') the same with a small window (60,000 tokens), so compaction surely happens,
//   (c) caching on, compaction off (an unbounded window), to separate the two effects,
//   (b) caching off (the server ignores cache_control) and compaction off.
// Prints a Markdown table to stdout, progress to stderr, and writes bench/context/.out/result.json.
// Every session has a time limit, the whole run a deadline; the server and temporary directories are
// removed at the end, also on error.
//   node bench/context/run.mjs [--turns 60] [--window 200000] [--small-window 60000] [--timeout-ms 120000]
import { spawnSync } from "node:child_process";
import console from "node:console";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { setTimeout } from "node:timers";
import { fileURLToPath, URL } from "node:url";
import { parseArgs } from "node:util";
import { copyTemplate, generateTemplate } from "../harness/repo.mjs";
import { markdown, metrics } from "./report.mjs";
import { startCacheServer } from "./fake-cache-server.mjs";
import { loadDist, runSession } from "./session.mjs";

const { values: args } = parseArgs({
  options: {
    turns: { type: "string", default: "60" },
    window: { type: "string", default: "200000" },
    "small-window": { type: "string", default: "60000" },
    "timeout-ms": { type: "string", default: "120000" },
  },
});
const turns = Number.parseInt(args.turns, 10);
const window = Number.parseInt(args.window, 10);
const smallWindow = Number.parseInt(args["small-window"], 10);
const timeoutMs = Number.parseInt(args["timeout-ms"], 10);
if (!(turns >= 2 && turns <= 500) || !(window >= 10_000) || !(smallWindow >= 10_000) || !(timeoutMs > 0)) {
  throw new Error("--turns must be 2-500, windows at least 10,000 tokens, --timeout-ms positive");
}
const log = (...a) => console.error(...a);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT = fileURLToPath(new URL("./.out/", import.meta.url));

// The whole run's deadline: the sessions plus setup.
setTimeout(
  () => {
    log("bench:context: deadline passed, giving up");
    process.exit(2);
  },
  4 * timeoutMs + 60_000,
).unref();

if (!existsSync(join(ROOT, "dist/agent/loop.js"))) {
  log("dist/ is missing: npm run build");
  const built = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit", timeout: 300_000 });
  if (built.status !== 0) throw new Error("npm run build failed");
}

/** Formatted as the repository's Prettier would, so `prettier --check bench/context` passes. */
async function formatJson(value, file) {
  const text = JSON.stringify(value, null, 2);
  try {
    const prettier = await import("prettier");
    return await prettier.format(text, { ...(await prettier.resolveConfig(file)), parser: "json" });
  } catch {
    return `${text}\n`;
  }
}

const RUNS = [
  { key: "a", label: `(a) shipped, ${window.toLocaleString("en-US")} window`, caching: true, window },
  {
    key: "a_small",
    label: `(a') shipped, ${smallWindow.toLocaleString("en-US")} window`,
    caching: true,
    window: smallWindow,
  },
  { key: "c", label: "(c) caching, no compaction", caching: true, window: Number.MAX_SAFE_INTEGER },
  { key: "b", label: "(b) no caching, no compaction", caching: false, window: Number.MAX_SAFE_INTEGER },
];

const d = await loadDist();
const modelName = d.def.DEFAULT_MODEL;
const template = generateTemplate();
// A compaction adds one summary request; one per turn is far more than the script can cause.
const server = await startCacheServer({ turns, maxRequests: 2 * turns + 10 });
log(`fake cache server on 127.0.0.1:${server.port}; model ${modelName}; ${turns} turns`);
const results = {};
try {
  for (const run of RUNS) {
    server.startRound({ caching: run.caching });
    const repo = copyTemplate(template);
    try {
      const started = Date.now();
      const session = await runSession({
        d,
        port: server.port,
        repo,
        turns,
        context: { windowTokens: run.window, summarize: true },
        timeoutMs,
      });
      const m = metrics(run, session, server.records(), d.prices.priceOf, turns);
      results[run.key] = m;
      log(
        `${run.label}: ${m.outcome} after ${m.turns} turns in ${Date.now() - started} ms, ` +
          `${m.compactions.length} compactions, protocol ${m.protocolOk ? "ok" : "NOT ok"}`,
      );
      if (!m.protocolOk) {
        log(`  reason: ${session.reason}`);
        process.exitCode = 1;
      }
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }
} finally {
  await server.close();
  rmSync(template, { recursive: true, force: true });
}

console.log(
  `## Context benchmark: ${turns}-turn scripted session, ${modelName} prices, cache-accounting fake API\n`,
);
console.log(markdown(RUNS, results));
mkdirSync(OUT, { recursive: true });
const file = join(OUT, "result.json");
writeFileSync(
  file,
  await formatJson(
    { date: new Date().toISOString(), node: process.version, model: modelName, turns, runs: results },
    file,
  ),
);
log(`wrote ${file}`);
