// `npm run bench:ingress`: how fast the App acknowledges GitHub's webhooks, side by side with a bare Probot
// app whose handler is empty. Starts a fake GitHub API (150 ms per request) and, per rate and server, a fresh
// server child; posts the same seeded sequence of signed deliveries open-loop to each (alternating which goes
// first), then waits a bounded time for the App's intake to drain. Prints Markdown to stdout (progress goes to
// stderr) and writes .out/result.json. Every child is stopped at the end, also on error or after the watchdog.
//   node bench/ingress/run.mjs [--rates 50,100,200,400] [--requests 600] [--max-seconds 20] [--timeout-ms 15000]
//     [--drain-seconds 15] [--delay-ms 150] [--mention 0.25] [--synchronize 0.25] [--seed 1] [--log-level info]
import console from "node:console";
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { setTimeout } from "node:timers";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, URL } from "node:url";
import { parseArgs } from "node:util";
import { startChild, stopAll } from "./children.mjs";
import { buildDeliveries, buildWarmup } from "./deliveries.mjs";
import { runLoad, warmUp } from "./load.mjs";
import { markdown } from "./report.mjs";
import { ratio, summarise } from "./stats.mjs";

const { values: args } = parseArgs({
  options: {
    rates: { type: "string", default: "50,100,200,400" },
    requests: { type: "string", default: "600" },
    "max-seconds": { type: "string", default: "20" },
    "timeout-ms": { type: "string", default: "15000" },
    "drain-seconds": { type: "string", default: "15" },
    "delay-ms": { type: "string", default: "150" },
    mention: { type: "string", default: "0.25" },
    synchronize: { type: "string", default: "0.25" },
    seed: { type: "string", default: "1" },
    warmup: { type: "string", default: "30" },
    "log-level": { type: "string", default: "info" },
    servers: { type: "string", default: "patchwright,bare" },
  },
});
const log = (...a) => console.error(...a);
const num = (name, min, max) => {
  const n = Number(args[name]);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`--${name} must be a number in [${min}, ${max}]`);
  return n;
};
const rates = args.rates.split(",").map((r) => Number(r.trim()));
if (rates.length === 0 || rates.length > 20 || rates.some((r) => !(r > 0 && r <= 5000))) {
  throw new Error("--rates must be 1 to 20 numbers in (0, 5000]");
}
const config = {
  rates,
  requests: Math.floor(num("requests", 1, 100_000)),
  maxSeconds: num("max-seconds", 1, 600),
  timeoutMs: num("timeout-ms", 100, 120_000),
  drainSeconds: num("drain-seconds", 0, 600),
  delayMs: num("delay-ms", 0, 10_000),
  mention: num("mention", 0, 1),
  synchronize: num("synchronize", 0, 1),
  seed: Math.floor(num("seed", 0, 2 ** 31)),
  warmup: Math.floor(num("warmup", 0, 1_000)),
  logLevel: args["log-level"],
  servers: args.servers.split(",").map((s) => s.trim()),
};
if (config.mention + config.synchronize > 1) throw new Error("--mention + --synchronize must be at most 1");
for (const s of config.servers)
  if (s !== "patchwright" && s !== "bare") throw new Error(`unknown server ${s}`);

const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(HERE, "..", "..");
const OUT = join(HERE, ".out");
const DIST_APP = join(ROOT, "dist", "app", "app.js");
const now = () => performance.timeOrigin + performance.now();

// The whole run is bounded: every phase is, and this watchdog catches anything that is not.
const phaseBoundS = config.maxSeconds + config.timeoutMs / 1000 + config.drainSeconds + 60;
const watchdogMs = (rates.length * config.servers.length * phaseBoundS + 120) * 1000;
const watchdog = setTimeout(() => {
  log(`watchdog: the run took longer than ${watchdogMs / 1000} s; stopping every child`);
  void stopAll().finally(() => process.exit(2));
}, watchdogMs);
watchdog.unref();
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    log(`${signal}: stopping every child`);
    void stopAll().finally(() => process.exit(130));
  });
}

/** Polls the server and the fake API until the server's app is idle and the API quiet, or `limitMs` passes. */
async function waitDrained(server, fake, limitMs) {
  const start = now();
  for (;;) {
    const s = await server.rpc("stats");
    const f = await fake.rpc("stats");
    const drained = s.handled >= s.answered && s.idle && f.inFlight === 0;
    const waitedMs = now() - start;
    if (drained || waitedMs >= limitMs) return { drained, waitedMs, server: s, fake: f };
    await sleep(100);
  }
}

const seconds = (ms) => Math.round(ms / 10) / 100;

async function runPhase({ kind, rate, deliveries, warmup, fake, start }) {
  const server = await startChild({
    script: join(HERE, "server.mjs"),
    args: ["--kind", kind],
    name: `${kind} server`,
    logPath: join(OUT, `server-${kind}.log`),
    start,
  });
  try {
    if (warmup.length) await warmUp({ port: server.port, deliveries: warmup, timeoutMs: config.timeoutMs });
    await waitDrained(server, fake, 10_000);
    await server.rpc("stats", { reset: true });
    await fake.rpc("stats", { reset: true });

    const load = await runLoad({
      port: server.port,
      deliveries,
      rate,
      maxSeconds: config.maxSeconds,
      timeoutMs: config.timeoutMs,
    });
    const lastAck = performance.timeOrigin + load.lastResponseAt;
    const atEnd = await server.rpc("stats");
    const drain = await waitDrained(server, fake, config.drainSeconds * 1000);
    const api = await fake.rpc("stats", { reset: true });
    const s = drain.server;
    const after = (t) => (t > lastAck ? seconds(t - lastAck) : 0);
    return {
      load: summarise(load.samples),
      sendSeconds: seconds(load.sendSeconds * 1000),
      maxSendLagMs: Math.round(load.maxSendLagMs * 100) / 100,
      serverAtLastAck: atEnd,
      serverAtEnd: s,
      intake: {
        answered: s.answered,
        handledAtLastAck: atEnd.handled,
        pendingAtLastAck: atEnd.answered - atEnd.handled,
        drained: drain.drained,
        waitedS: seconds(drain.waitedMs),
        pendingAtEnd: s.answered - s.handled,
        outcomes: s.outcomes,
        errors: s.errors,
        firstError: s.firstError,
        apiTotal: api.total,
        apiCounts: api.counts,
        apiInFlight: api.inFlight,
        lastApiAfterAckS: api.total ? after(api.lastAt) : null,
        lastHandledAfterAckS: s.lastHandledAt ? after(s.lastHandledAt) : null,
      },
    };
  } finally {
    await server.stop();
  }
}

async function main() {
  if (config.servers.includes("patchwright") && !existsSync(DIST_APP)) {
    log("dist/app/app.js is missing: running `npm run build`");
    const built = spawnSync("npm", ["run", "build"], {
      cwd: ROOT,
      stdio: ["ignore", 2, 2],
      timeout: 300_000,
    });
    if (built.status !== 0 || !existsSync(DIST_APP)) throw new Error("`npm run build` failed");
  }
  mkdirSync(OUT, { recursive: true });
  for (const f of ["fake-github.log", "server-patchwright.log", "server-bare.log"])
    writeFileSync(join(OUT, f), "");

  // Made for this run only and never written to disk.
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const secret = randomBytes(32).toString("hex");
  const fake = await startChild({
    script: join(HERE, "fake-github.mjs"),
    args: ["--delay-ms", String(config.delayMs)],
    name: "fake GitHub API",
    logPath: join(OUT, "fake-github.log"),
  });
  log(`fake GitHub API on 127.0.0.1:${fake.port} (${config.delayMs} ms per request)`);
  const start = {
    appId: 4242,
    privateKey,
    secret,
    baseUrl: `http://127.0.0.1:${fake.port}`,
    logLevel: config.logLevel,
  };
  const warmup = buildWarmup(config.warmup, secret);
  const probotVersion = JSON.parse(
    readFileSync(join(ROOT, "node_modules", "probot", "package.json"), "utf8"),
  ).version;
  const result = {
    generatedAt: new Date().toISOString(),
    node: process.versions.node,
    probotVersion,
    config,
    rates: [],
  };

  for (const [index, rate] of rates.entries()) {
    const deliveries = buildDeliveries({
      count: config.requests,
      seed: config.seed + index,
      secret,
      mention: config.mention,
      synchronize: config.synchronize,
      commentIdBase: (index + 1) * 10_000_000,
    });
    const mix = {};
    for (const d of deliveries) mix[d.kind] = (mix[d.kind] ?? 0) + 1;
    const order = index % 2 === 0 ? [...config.servers] : [...config.servers].reverse();
    const entry = { rate, mix, order, servers: {} };
    for (const kind of order) {
      log(`${rate}/s → ${kind}: ${deliveries.length} deliveries`);
      const phase = await runPhase({ kind, rate, deliveries, warmup, fake, start });
      entry.servers[kind] = phase;
      const l = phase.load;
      log(
        `  ${l.ok2xx}/${l.sent} 2xx, p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms` +
          (kind === "patchwright"
            ? `; API ${phase.intake.apiTotal} requests, ${phase.intake.drained ? "drained" : `${phase.intake.pendingAtEnd} pending`}`
            : ""),
      );
    }
    const pw = entry.servers.patchwright?.load;
    const bare = entry.servers.bare?.load;
    if (pw && bare)
      entry.ratio = {
        p50: ratio(pw.p50, bare.p50),
        p99: ratio(pw.p99, bare.p99),
        max: ratio(pw.max, bare.max),
      };
    result.rates.push(entry);
  }
  await fake.stop();

  writeFileSync(join(OUT, "result.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(markdown(result));
  log(`wrote ${join("bench", "ingress", ".out", "result.json")}; server logs in bench/ingress/.out/`);
}

try {
  await main();
} catch (err) {
  log(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
} finally {
  await stopAll();
}
