// `npm run bench:queue`: the durable queue under load, on each backend (SQLite, then Redis/BullMQ): one
// `serve` and two `worker` processes of dist/app/main.js beside a bare Probot app, 2,000 signed mentions
// with exact duplicates and redeliveries, then: webhook ack latency (App vs bare), runs started per
// mention (exactly once?), throughput of no-op runs, and recovery after `kill -9` of a worker mid-run.
// Loopback only: a fake GitHub (REST, GraphQL, git) and a fake model stand in for the network. Prints
// Markdown to stdout (progress to stderr) and writes .out/result.json; every child is stopped at the end,
// also on error, Ctrl-C or the watchdog.
//   node bench/queue/run.mjs [--backends sqlite,redis] [--deliveries 2000] [--rate 200] [--run approve]
//     [--run-concurrency 8] [--worker-group-nice 10|off] [--lease-seconds 3] [--kills 3] [--delay-ms 20] ... (README.md lists them)
import console from "node:console";
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { setTimeout } from "node:timers";
import { fileURLToPath, URL } from "node:url";
import { parseArgs } from "node:util";
import { stopAll } from "../ingress/children.mjs";
import { autogroupsOn, stopAllApps } from "./app-process.mjs";
import { benchBackend, flushRedis } from "./backend.mjs";
import { markdown } from "./report.mjs";

const { values: args } = parseArgs({
  options: {
    backends: { type: "string", default: "sqlite,redis" },
    deliveries: { type: "string", default: "2000" },
    duplicates: { type: "string", default: "0.10" },
    redeliveries: { type: "string", default: "0.05" },
    "redeliver-after-s": { type: "string", default: "5" },
    rate: { type: "string", default: "100" },
    run: { type: "string", default: "approve" },
    "run-concurrency": { type: "string", default: "8" },
    "worker-nice": { type: "string", default: "10" },
    "worker-group-nice": { type: "string", default: "10" },
    "lease-seconds": { type: "string", default: "3" },
    kills: { type: "string", default: "3" },
    "delay-ms": { type: "string", default: "20" },
    "drain-seconds": { type: "string", default: "300" },
    "settle-seconds": { type: "string", default: "3" },
    "kill-wait-seconds": { type: "string", default: "60" },
    "stop-drain-seconds": { type: "string", default: "5" },
    "timeout-ms": { type: "string", default: "15000" },
    warmup: { type: "string", default: "30" },
    seed: { type: "string", default: "1" },
    "log-level": { type: "string", default: "info" },
    "redis-url": { type: "string", default: "redis://127.0.0.1:6379" },
    "redis-db": { type: "string", default: "5" },
    mode: { type: "string", default: "paired" },
    "cpu-prof": { type: "boolean", default: false },
    inbox: { type: "string", default: "on" },
  },
});
const log = (...a) => console.error(...a);
const num = (name, min, max) => {
  const n = Number(args[name]);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`--${name} must be a number in [${min}, ${max}]`);
  return n;
};
const config = {
  backends: args.backends.split(",").map((b) => b.trim()),
  deliveries: Math.floor(num("deliveries", 1, 100_000)),
  duplicates: num("duplicates", 0, 0.5),
  redeliveries: num("redeliveries", 0, 0.5),
  redeliverAfterS: num("redeliver-after-s", 0, 600),
  rate: num("rate", 1, 5_000),
  run: args.run,
  runConcurrency: Math.floor(num("run-concurrency", 1, 64)),
  workerNice: Math.floor(num("worker-nice", 0, 19)),
  workerGroupNice:
    args["worker-group-nice"] === "off" ? undefined : Math.floor(num("worker-group-nice", 0, 19)),
  leaseSeconds: Math.floor(num("lease-seconds", 1, 3600)),
  kills: Math.floor(num("kills", 0, 20)),
  delayMs: num("delay-ms", 0, 10_000),
  drainSeconds: num("drain-seconds", 1, 3_600),
  settleSeconds: num("settle-seconds", 0, 60),
  killWaitSeconds: num("kill-wait-seconds", 5, 600),
  stopDrainSeconds: Math.floor(num("stop-drain-seconds", 0, 600)),
  timeoutMs: num("timeout-ms", 100, 120_000),
  warmup: Math.floor(num("warmup", 0, 1_000)),
  seed: Math.floor(num("seed", 0, 2 ** 31)),
  logLevel: args["log-level"],
  redisUrl: args["redis-url"].replace(/\/+$/, ""),
  redisDb: Math.floor(num("redis-db", 1, 15)),
  mode: args.mode,
  cpuProf: args["cpu-prof"],
  inbox: args.inbox,
};
// Recorded as applied: without autogroups the workers stay in the bench's own scheduling group.
config.workerGroup = config.workerGroupNice !== undefined && autogroupsOn();
for (const b of config.backends) if (b !== "sqlite" && b !== "redis") throw new Error(`unknown backend ${b}`);
if (config.run !== "approve" && config.run !== "answer") throw new Error("--run must be approve or answer");
if (config.mode !== "paired" && config.mode !== "apart") throw new Error("--mode must be paired or apart");
if (config.inbox !== "on" && config.inbox !== "off") throw new Error("--inbox must be on or off");
if (!/^redis:\/\/[^/]+$/.test(config.redisUrl))
  throw new Error("--redis-url must be redis://host:port, without a database (see --redis-db)");

const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(HERE, "..", "..");
const OUT = join(HERE, ".out");
const MAIN = join(ROOT, "dist", "app", "main.js");

// The whole run is bounded: every phase is, and this watchdog catches anything that is not.
const loadBoundS = config.deliveries / config.rate + config.redeliverAfterS + 30 + config.timeoutMs / 1000;
const backendBoundS =
  90 +
  2 * loadBoundS +
  config.drainSeconds +
  config.settleSeconds +
  config.kills * (2 * config.killWaitSeconds + 40) +
  60;
const watchdogMs = (config.backends.length * backendBoundS + 120) * 1000;
let tmp;
const cleanUp = async () => {
  await stopAllApps();
  await stopAll();
  if (config.backends.includes("redis"))
    await flushRedis(config.redisUrl, config.redisDb).catch(() => undefined);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
};
const watchdog = setTimeout(() => {
  log(`watchdog: the run took longer than ${watchdogMs / 1000} s; stopping every child`);
  void cleanUp().finally(() => process.exit(2));
}, watchdogMs);
watchdog.unref();
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    log(`${signal}: stopping every child`);
    void cleanUp().finally(() => process.exit(130));
  });
}

/** A bare repository with one commit on main, which the fake git server serves for every repository. */
function makeGitRoot(dir) {
  const work = join(dir, "work");
  mkdirSync(work, { recursive: true });
  const git = (...a) => execFileSync("git", a, { stdio: ["ignore", "ignore", "pipe"] });
  git("init", "-q", "-b", "main", work);
  writeFileSync(join(work, "README.md"), "# hello\n\nA repository for the queue benchmark.\n");
  writeFileSync(join(work, "index.js"), "export const answer = () => 42;\n");
  git("-C", work, "add", ".");
  git(
    "-C",
    work,
    "-c",
    "user.name=bench",
    "-c",
    "user.email=bench@example.invalid",
    "commit",
    "-qm",
    "start",
  );
  const root = join(dir, "git");
  mkdirSync(root);
  git("clone", "-q", "--bare", work, join(root, "hello.git"));
  return root;
}

async function main() {
  if (!existsSync(MAIN)) {
    log("dist/app/main.js is missing: running `npm run build`");
    const built = spawnSync("npm", ["run", "build"], {
      cwd: ROOT,
      stdio: ["ignore", 2, 2],
      timeout: 300_000,
    });
    if (built.status !== 0 || !existsSync(MAIN)) throw new Error("`npm run build` failed");
  }
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), "patchwright-bench-queue-"));

  // Made for this run only and never written to disk (the App reads it from its environment).
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const ctx = {
    here: HERE,
    root: ROOT,
    out: OUT,
    tmp,
    main: MAIN,
    gitRoot: makeGitRoot(tmp),
    appId: 4242,
    privateKey,
    secret: randomBytes(32).toString("hex"),
    log,
  };
  const version = (pkg) =>
    JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
  const result = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30) },
    node: process.versions.node,
    versions: {
      probot: version("probot"),
      bullmq: version("bullmq"),
      "better-sqlite3": version("better-sqlite3"),
    },
    command: `node bench/queue/run.mjs ${process.argv.slice(2).join(" ")}`.trim(),
    config,
    backends: [],
  };
  for (const backend of config.backends) {
    log(`${backend}:`);
    result.backends.push(await benchBackend(backend, config, ctx));
  }
  writeFileSync(join(OUT, "result.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(markdown(result));
  log(`wrote ${join("bench", "queue", ".out", "result.json")}; process logs in bench/queue/.out/`);
}

try {
  await main();
} catch (err) {
  log(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
