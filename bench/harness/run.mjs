// `npm run bench:harness`: measures the agent harness itself. Builds dist/ if it is missing, generates a
// repository (template), starts the fake Anthropic Messages API on 127.0.0.1 (fake-model.mjs), then runs
// the scripted session (session.mjs, one child process per round, each on a fresh copy of the repository)
// `--rounds` times. Prints a Markdown table (medians over rounds) to stdout, progress to stderr, and
// writes bench/harness/.out/result.json. Every round has a time limit; the server and the temporary
// directories are removed at the end, also on error.
//   node bench/harness/run.mjs [--rounds 3] [--turns 50] [--round-timeout-ms 180000]
import { spawn, spawnSync } from "node:child_process";
import console from "node:console";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { clearTimeout, setTimeout } from "node:timers";
import { fileURLToPath, URL } from "node:url";
import { parseArgs } from "node:util";
import { startFakeModel } from "./fake-model.mjs";
import { markdown, medians, roundMetrics } from "./report.mjs";
import { copyTemplate, generateTemplate } from "./repo.mjs";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    turns: { type: "string", default: "50" },
    "round-timeout-ms": { type: "string", default: "180000" },
  },
});
const rounds = Number.parseInt(args.rounds, 10);
const turns = Number.parseInt(args.turns, 10);
const roundTimeoutMs = Number.parseInt(args["round-timeout-ms"], 10);
if (!(rounds >= 1 && rounds <= 20) || !(turns >= 2 && turns <= 500) || !(roundTimeoutMs > 0)) {
  throw new Error("--rounds must be 1-20, --turns 2-500, --round-timeout-ms positive");
}
const log = (...a) => console.error(...a);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT = fileURLToPath(new URL("./.out/", import.meta.url));
const SESSION = fileURLToPath(new URL("./session.mjs", import.meta.url));

if (!existsSync(join(ROOT, "dist/agent/loop.js"))) {
  log("dist/ is missing: npm run build");
  const built = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit", timeout: 300_000 });
  if (built.status !== 0) throw new Error("npm run build failed");
}

/** Runs one session child; resolves with its JSON line, rejects on failure or after the time limit. */
function runSession(port, repo) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        SESSION,
        "--port",
        String(port),
        "--repo",
        repo,
        "--turns",
        String(turns),
        "--timeout-ms",
        String(roundTimeoutMs),
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk) => {
      if (out.length < 1_000_000) out += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the session did not finish within ${roundTimeoutMs} ms`));
    }, roundTimeoutMs + 10_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{")) return reject(new Error(`the session exited with ${code}`));
      resolve(JSON.parse(line));
    });
  });
}

/** Formatted as the repo's Prettier would (so `prettier --check bench/harness` passes); plain if it is absent. */
async function prettyJson(json, file) {
  try {
    const prettier = await import("prettier");
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(json, { ...options, parser: "json" });
  } catch {
    return json + "\n";
  }
}

const template = generateTemplate();
const server = await startFakeModel({ turns, maxRequests: turns + 5 });
log(`fake model on 127.0.0.1:${server.port}; template repository ${template}`);
const results = [];
try {
  for (let r = 1; r <= rounds; r++) {
    server.reset();
    const repo = copyTemplate(template);
    try {
      const session = await runSession(server.port, repo);
      const m = roundMetrics(session, server.records());
      results.push(m);
      log(
        `round ${r}: ${m.outcome} after ${m.turns} turns, ${m.wallMs.toFixed(0)} ms, ` +
          `${m.toolErrors} tool errors, protocol ${m.protocolOk ? "ok" : "NOT ok"}`,
      );
      if (m.outcome !== "finished" || !m.protocolOk) {
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

const med = medians(results);
console.log(
  `## Harness benchmark: ${turns}-turn scripted session, fake model on loopback, ${rounds} rounds\n`,
);
console.log(markdown(results, med));
mkdirSync(OUT, { recursive: true });
const file = join(OUT, "result.json");
const json = JSON.stringify(
  {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    memGb: Math.round(totalmem() / 2 ** 30),
    turns,
    rounds: results,
    median: med,
  },
  null,
  2,
);
writeFileSync(file, await prettyJson(json, file));
log(`wrote ${file}`);
