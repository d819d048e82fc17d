// One backend's measurement for `npm run bench:queue`: a fresh store, the fake GitHub, `serve` and two
// `worker` processes of dist/app/main.js, and the bare Probot peer; the bare peer's load, then the App's
// (the same deliveries), the wait until every run reported, the count of runs per mention, and the
// recovery after `kill -9` of the worker holding a run. Every process is stopped at the end, also on error.
import { Buffer } from "node:buffer";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { startChild } from "../ingress/children.mjs";
import { buildWarmup } from "../ingress/deliveries.mjs";
import { runLoad, warmUp } from "../ingress/load.mjs";
import { percentile, ratio, summarise } from "../ingress/stats.mjs";
import { startApp } from "./app-process.mjs";
import { buildSequence, mention, RUN_TEXT } from "./deliveries.mjs";

const now = () => performance.timeOrigin + performance.now();
const round = (n, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : null);

/** CPU seconds (user + system) a process has used so far; undefined once it is gone. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (CLK_TCK 100)
  } catch {
    return undefined;
  }
}

function getText(port, path) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, timeout: 5_000 }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
  });
}

/** The queue's job counts as the App exports them: { "events/completed": n, ... }, zero counts left out. */
async function queueCounts(port) {
  const text = await getText(port, "/metrics");
  const out = {};
  for (const m of text.matchAll(/^patchwright_queue_jobs\{([^}]*)\} (\d+)/gm)) {
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Number(m[2]) > 0) out[`${labels.queue}/${labels.state}`] = Number(m[2]);
  }
  return out;
}

/** The Redis server's pid and commands processed so far (server-wide: anything else using it counts too). */
async function redisInfo(url) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const info = await redis.info();
    const field = (name) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1]);
    return { pid: field("process_id"), commands: field("total_commands_processed") };
  } finally {
    redis.disconnect();
  }
}

/** Opens the Redis database the bench owns and empties it (refuses database 0, where others keep data). */
export async function flushRedis(url, db) {
  if (!(db >= 1 && db <= 15)) throw new Error("--redis-db must be 1 to 15: the bench empties it");
  const redis = new Redis(`${url}/${db}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const before = await redis.dbsize();
    await redis.flushdb();
    return before;
  } finally {
    redis.disconnect();
  }
}

/**
 * Runs every phase for `backend` ("sqlite" | "redis"). `c`: the run's config; `ctx`: { root, out, tmp,
 * gitRoot, privateKey, secret, log }. Returns the backend's result for the report.
 */
export async function benchBackend(backend, c, ctx) {
  const { log } = ctx;
  const stops = [];
  const result = { backend };
  const stateDir = join(ctx.tmp, `state-${backend}`);
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  if (backend === "redis") result.redisKeysBefore = await flushRedis(c.redisUrl, c.redisDb);

  try {
    const fake = await startChild({
      script: join(ctx.here, "fake-github.mjs"),
      args: ["--delay-ms", String(c.delayMs), "--git-root", ctx.gitRoot],
      name: `fake GitHub (${backend})`,
      logPath: join(ctx.out, `fake-github-${backend}.log`),
    });
    stops.push(() => fake.stop());
    const base = `http://127.0.0.1:${fake.port}`;

    const appEnv = (name) => ({
      APP_ID: String(ctx.appId),
      PRIVATE_KEY: ctx.privateKey,
      WEBHOOK_SECRET: ctx.secret,
      // GitHub Enterprise Server's form: the REST API at /api/v3, GraphQL at /api/graphql, git at /<o>/<r>.git.
      GHE_HOST: `127.0.0.1:${fake.port}`,
      GHE_PROTOCOL: "http",
      HOST: "127.0.0.1",
      PORT: "0",
      NODE_ENV: "production",
      LOG_FORMAT: "json",
      LOG_LEVEL: c.logLevel,
      ANTHROPIC_API_KEY: "bench-key",
      // Each process its own path, so the fake model knows which worker asks.
      ANTHROPIC_BASE_URL: `${base}/model/${name}`,
      PATCHWRIGHT_QUEUE: backend,
      PATCHWRIGHT_STATE_DIR: stateDir,
      PATCHWRIGHT_LEASE_SECONDS: String(c.leaseSeconds),
      PATCHWRIGHT_DRAIN_SECONDS: String(c.stopDrainSeconds),
      PATCHWRIGHT_RUN_CONCURRENCY: String(c.runConcurrency),
      PATCHWRIGHT_WORKER_NICE: String(c.workerNice),
      PATCHWRIGHT_RECONCILE_MINUTES: "0",
      PATCHWRIGHT_INBOX: c.inbox,
      ...(backend === "redis" ? { REDIS_URL: `${c.redisUrl}/${c.redisDb}` } : {}),
    });
    const start = (role, name) =>
      startApp({
        main: ctx.main,
        role,
        name: `${name} (${backend})`,
        env: appEnv(name),
        cwd: ctx.tmp,
        logPath: join(ctx.out, `app-${backend}-${name}.log`),
        groupNice: role === "worker" ? c.workerGroupNice : undefined,
        // Written when the process exits cleanly (SIGTERM at the end), not for a killed worker.
        nodeArgs: c.cpuProf
          ? [
              "--cpu-prof",
              `--cpu-prof-dir=${join(ctx.out, "profiles")}`,
              `--cpu-prof-name=${backend}-${name}.cpuprofile`,
            ]
          : [],
      });
    const serve = await start("serve", "serve");
    const workers = [await start("worker", "w1"), await start("worker", "w2")];
    let nextWorker = 3;
    stops.push(() => Promise.all([serve, ...workers].map((p) => p.stop(c.stopDrainSeconds * 1000 + 5_000))));

    const bare = await startChild({
      script: join(ctx.root, "bench", "ingress", "server.mjs"),
      args: ["--kind", "bare"],
      name: `bare Probot (${backend})`,
      logPath: join(ctx.out, `bare-${backend}.log`),
      start: {
        appId: ctx.appId,
        privateKey: ctx.privateKey,
        secret: ctx.secret,
        baseUrl: `${base}/api/v3`,
        logLevel: c.logLevel,
      },
    });
    stops.push(() => bare.stop());
    log(
      `  ${backend}: serve :${serve.port}, workers :${workers.map((w) => w.port).join(", :")}, bare :${bare.port}`,
    );

    // Both servers warmed up the same way, with deliveries that ask for nothing.
    const warmup = buildWarmup(c.warmup, ctx.secret);
    if (warmup.length) {
      await warmUp({ port: bare.port, deliveries: warmup, timeoutMs: c.timeoutMs });
      await warmUp({ port: serve.port, deliveries: warmup, timeoutMs: c.timeoutMs });
    }

    const sequence = buildSequence({
      count: c.deliveries,
      rate: c.rate,
      duplicateShare: c.duplicates,
      redeliveryShare: c.redeliveries,
      redeliverAfterMs: c.redeliverAfterS * 1000,
      seed: c.seed,
      text: RUN_TEXT[c.run],
      tagPrefix: backend,
      secret: ctx.secret,
      commentIdBase: 10_000_000,
      installationBase: 100_000,
    });
    const mix = {};
    for (const d of sequence.deliveries) mix[d.kind] = (mix[d.kind] ?? 0) + 1;
    result.mix = mix;
    const load = (port) =>
      runLoad({
        port,
        deliveries: sequence.deliveries,
        rate: c.rate,
        maxSeconds: c.deliveries / c.rate + c.redeliverAfterS + 30,
        timeoutMs: c.timeoutMs,
      });

    // "paired": each delivery goes to both servers at the same moment, so both see the same machine (a
    // busy 2-core machine shared with other work moves both alike), and the bare peer shares the cores
    // with the App's workers as the App's serve does. "apart": the bare peer alone first, while the App's
    // processes are up and idle (after the App's load its workers go on running, which would slow the
    // peer down and flatter the ratio), then the App.
    const redisBefore = backend === "redis" ? await redisInfo(c.redisUrl) : undefined;
    const pids = {
      serve: serve.pid,
      w1: workers[0].pid,
      w2: workers[1].pid,
      fake: fake.pid,
      bare: bare.pid,
      "load generator (this process)": process.pid,
      ...(redisBefore?.pid ? { "redis-server": redisBefore.pid } : {}),
    };
    const cpuNow = () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
    result.loadAverage = { before: loadavg().map((x) => round(x)) };
    let bareLoad;
    let appLoad;
    let cpuBefore;
    let loadStartedAt;
    if (c.mode === "apart") {
      log(
        `  ${backend}: ${sequence.deliveries.length} deliveries at ${c.rate}/s → bare Probot, then patchwright`,
      );
      bareLoad = await load(bare.port);
      await sleep(1_000);
      cpuBefore = cpuNow();
      loadStartedAt = now();
      appLoad = await load(serve.port);
    } else {
      log(
        `  ${backend}: ${sequence.deliveries.length} deliveries at ${c.rate}/s → bare Probot and patchwright serve, paired`,
      );
      cpuBefore = cpuNow();
      loadStartedAt = now();
      [bareLoad, appLoad] = await Promise.all([load(bare.port), load(serve.port)]);
    }
    result.loadAverage.after = loadavg().map((x) => round(x));
    result.bare = { load: summarise(bareLoad.samples), maxSendLagMs: round(bareLoad.maxSendLagMs) };
    const t0 = performance.timeOrigin + appLoad.startedAt;
    const lastAckAt = performance.timeOrigin + appLoad.lastResponseAt;
    const cpuAtLastAck = cpuNow();
    const redisAtLastAck = redisBefore ? await redisInfo(c.redisUrl) : undefined;
    result.app = { load: summarise(appLoad.samples), maxSendLagMs: round(appLoad.maxSendLagMs) };
    result.ratio = {
      p50: ratio(result.app.load.p50, result.bare.load.p50),
      p99: ratio(result.app.load.p99, result.bare.load.p99),
      max: ratio(result.app.load.max, result.bare.load.max),
    };
    log(
      `  ack p50/p99: patchwright ${result.app.load.p50}/${result.app.load.p99} ms, ` +
        `bare ${result.bare.load.p50}/${result.bare.load.p99} ms (p99 ratio ${result.ratio.p99}×)`,
    );

    // Until every distinct mention has its report, bounded; then a moment more for anything late.
    const expected = sequence.distinct.length;
    let stats;
    for (;;) {
      stats = await fake.rpc("stats");
      if (stats.finals >= expected && stats.inFlight === 0) break;
      if (now() - lastAckAt > c.drainSeconds * 1000) break;
      await sleep(500);
    }
    const drainedAt = now();
    await sleep(c.settleSeconds * 1000);
    stats = await fake.rpc("stats");
    const cpuAfter = cpuNow();
    const redisAfter = redisBefore ? await redisInfo(c.redisUrl) : undefined;
    const { runs } = await fake.rpc("runs", { prefix: "issue_comment:" }, 30_000);
    const acked = new Set(appLoad.samples.filter((x) => x.status >= 200 && x.status < 300).map((x) => x.id));
    result.runs = countRuns(sequence.distinct, runs, t0, acked);
    result.runs.drainedWithinLimit = stats.finals >= expected;
    result.runs.waitedAfterLastAckS = round((drainedAt - lastAckAt) / 1000);
    result.throughput = {
      runs: result.runs.finished,
      firstEnqueueAt: stats.firstTrackingAt,
      lastFinishedAt: stats.lastFinalAt,
      seconds: round((stats.lastFinalAt - stats.firstTrackingAt) / 1000),
      runsPerSecond: round(result.runs.finished / ((stats.lastFinalAt - stats.firstTrackingAt) / 1000)),
      fromFirstDeliveryS: round((stats.lastFinalAt - t0) / 1000),
    };
    result.api = stats.counts;
    result.queueAfterLoad = await queueCounts(serve.port);
    const cpu = (a, b) =>
      Object.fromEntries(
        Object.keys(pids).map((k) => [
          k,
          a[k] !== undefined && b[k] !== undefined ? round(b[k] - a[k]) : null,
        ]),
      );
    result.cpuSeconds = { duringLoad: cpu(cpuBefore, cpuAtLastAck), loadToDrained: cpu(cpuBefore, cpuAfter) };
    result.loadWallS = round((lastAckAt - loadStartedAt) / 1000);
    if (redisBefore)
      result.redisCommandsPerSecond = {
        duringLoad: round((redisAtLastAck.commands - redisBefore.commands) / result.loadWallS, 0),
        loadToDrained: round(
          (redisAfter.commands - redisBefore.commands) / ((drainedAt - loadStartedAt) / 1000),
          0,
        ),
      };
    log(
      `  runs: ${result.runs.exactlyOnce}/${expected} exactly once, ${result.runs.lost} lost, ` +
        `${result.runs.duplicateRuns} duplicate runs, ${result.runs.duplicateReports} duplicate reports; ` +
        `${result.throughput.runsPerSecond} runs/s over ${result.throughput.seconds} s`,
    );

    // Recovery: a question whose model call stalls; the worker holding it is killed outright.
    result.recovery = [];
    for (let k = 0; k < c.kills; k++) {
      const tag = `q-kill-${backend}-${k}`;
      const m = mention({
        n: 900_000 + k,
        tag,
        text: RUN_TEXT.answer,
        secret: ctx.secret,
        commentIdBase: 10_000_000,
        installationBase: 100_000,
      });
      await fake.rpc("stall", { question: tag });
      const sent = await runLoad({
        port: serve.port,
        deliveries: [m],
        rate: 1,
        maxSeconds: 5,
        timeoutMs: c.timeoutMs,
      });
      if (sent.samples[0]?.status !== 200)
        throw new Error(`the kill-test mention was not accepted: ${JSON.stringify(sent.samples[0])}`);
      let stalled;
      const waitUntil = now() + c.killWaitSeconds * 1000;
      while (!stalled && now() < waitUntil) {
        const { questions } = await fake.rpc("questions", { names: [tag] });
        stalled = questions[tag].find((q) => q.stalled);
        if (!stalled) await sleep(50);
      }
      if (!stalled) throw new Error(`no worker reached the model for ${tag} within ${c.killWaitSeconds} s`);
      const victim = workers.find((w) => w.name.startsWith(`${stalled.worker} `));
      if (!victim)
        throw new Error(`the stalled call came from ${stalled.worker}, which is not a live worker`);
      victim.kill("SIGKILL");
      const killedAt = now();
      await victim.exited;
      workers.splice(workers.indexOf(victim), 1);
      // Wait for the report, then start a worker in place of the dead one.
      let entry;
      while (now() < killedAt + c.killWaitSeconds * 1000) {
        const { runs: r } = await fake.rpc("runs", { prefix: m.trigger });
        entry = r[m.trigger];
        if (entry?.some((x) => x.finals.length > 0)) break;
        await sleep(50);
      }
      const { questions } = await fake.rpc("questions", { names: [tag] });
      const asked = questions[tag];
      const restartedNotice = entry?.flatMap((x) => x.notices).find((n) => n.kind === "restarted");
      const finals = entry?.flatMap((x) => x.finals) ?? [];
      const again = asked.find((q) => q.at > killedAt);
      const one = {
        killed: stalled.worker,
        takenBy: again?.worker ?? null,
        runIds: entry?.length ?? 0,
        reports: finals.length,
        reportSaysRestarted: finals[0]?.restarted ?? false,
        headline: finals[0]?.headline ?? null,
        modelCalls: asked.length,
        killToRestartNoticeS: restartedNotice ? round((restartedNotice.at - killedAt) / 1000) : null,
        killToModelAgainS: again ? round((again.at - killedAt) / 1000) : null,
        killToReportS: finals[0] ? round((finals[0].at - killedAt) / 1000) : null,
      };
      result.recovery.push(one);
      log(
        `  kill -9 ${one.killed}: taken again by ${one.takenBy} after ${one.killToRestartNoticeS} s ` +
          `(restart notice), report after ${one.killToReportS} s; ${one.runIds} run id(s), ${one.reports} report(s)`,
      );
      const name = `w${nextWorker++}`;
      workers.push(await start("worker", name));
    }
    result.queueAtEnd = await queueCounts(serve.port);
    return result;
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    if (backend === "redis")
      result.redisKeysAtEnd = await flushRedis(c.redisUrl, c.redisDb).catch(() => null);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * Per distinct mention: the run ids that posted a tracking comment for its trigger, and their reports.
 * Exactly once: one run id and one report. Lost: no report; of those, never acknowledged: no copy of the
 * delivery got a 2xx (GitHub would count it failed and it can be redelivered). A duplicate run is a second
 * run id for one trigger; a duplicate report, a second report for one run id (the run carried out twice).
 */
export function countRuns(distinct, runs, t0, acked) {
  let exactlyOnce = 0;
  let lost = 0;
  let neverAcknowledged = 0;
  let duplicateRuns = 0;
  let duplicateReports = 0;
  const latencies = [];
  const outcomes = {};
  const notices = {};
  const examples = [];
  for (const d of distinct) {
    const entry = runs[d.trigger] ?? [];
    const reports = entry.reduce((n, r) => n + r.finals.length, 0);
    duplicateRuns += Math.max(0, entry.length - 1);
    duplicateReports += entry.reduce((n, r) => n + Math.max(0, r.finals.length - 1), 0);
    if (reports === 0) lost += 1;
    if (reports === 0 && !acked.has(d.id)) neverAcknowledged += 1;
    if (entry.length === 1 && reports === 1) exactlyOnce += 1;
    else if (examples.length < 5) examples.push({ trigger: d.trigger, runs: entry });
    for (const r of entry) for (const n of r.notices) notices[n.kind] = (notices[n.kind] ?? 0) + 1;
    for (const r of entry)
      for (const f of r.finals) {
        latencies.push(f.at - (t0 + d.atMs));
        const said = f.headline.slice(0, 60);
        outcomes[said] = (outcomes[said] ?? 0) + 1;
      }
  }
  latencies.sort((a, b) => a - b);
  return {
    expected: distinct.length,
    finished: latencies.length,
    exactlyOnce,
    lost,
    neverAcknowledged,
    duplicateRuns,
    duplicateReports,
    outcomes,
    notices,
    notExactlyOnce: examples,
    mentionToReportS: {
      p50: round(percentile(latencies, 50) / 1000),
      p99: round(percentile(latencies, 99) / 1000),
      max: round((latencies.at(-1) ?? Number.NaN) / 1000),
    },
  };
}
