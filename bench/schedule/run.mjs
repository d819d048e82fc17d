// `npm run bench:schedule`: the maintenance schedule arithmetic (dueTasks and nextRun from dist/) for
// 10,000 tasks over 1,000 repositories: one tick, then a day of hourly ticks, in two ways:
//   stateless: every tick asks dueTasks about every task, from its last recorded run (the Action's way:
//     it keeps nothing between runs);
//   kept:      a scheduler keeps each task's next due time, computed with nextRun after each run, and a
//     tick compares (what a long-lived App scheduler can do).
// Then the App's scheduler itself: a full sync reading every config from a GitHub answered in memory, and a
// day of minute ticks storing deliveries in a counting queue.
// Both must start the same runs; the benchmark exits 1 if they do not. Tasks, zones and last runs come
// from a seed. Prints a Markdown table to stdout, progress to stderr.
//   node --expose-gc bench/schedule/run.mjs [--repos 1000] [--tasks 10] [--rounds 5] [--hours 24]
import { spawnSync } from "node:child_process";
import { Buffer } from "node:buffer";
import console from "node:console";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { fileURLToPath, pathToFileURL, URL } from "node:url";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    repos: { type: "string", default: "1000" },
    tasks: { type: "string", default: "10" },
    rounds: { type: "string", default: "5" },
    hours: { type: "string", default: "24" },
  },
});
const repoCount = Number.parseInt(args.repos, 10);
const tasksPerRepo = Number.parseInt(args.tasks, 10);
const rounds = Number.parseInt(args.rounds, 10);
const hours = Number.parseInt(args.hours, 10);
if (!(repoCount >= 1 && tasksPerRepo >= 1 && tasksPerRepo <= 100 && rounds >= 1 && hours >= 1)) {
  throw new Error("--repos ≥ 1, --tasks 1-100, --rounds ≥ 1, --hours ≥ 1");
}
const log = (...a) => console.error(...a);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

if (!existsSync(join(ROOT, "dist/maintenance/schedule.js"))) {
  log("dist/ is missing: npm run build");
  const built = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit", timeout: 300_000 });
  if (built.status !== 0) throw new Error("npm run build failed");
}
const { dueTasks, nextRun, FIRST_RUN_LOOKBACK_MS } = await import(
  pathToFileURL(join(ROOT, "dist/maintenance/schedule.js")).href
);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const gc = globalThis.gc ?? (() => {});
const heapMiB = () => process.memoryUsage().heapUsed / 2 ** 20;
const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};
const n = (x) => x.toLocaleString("en-US");
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Monday 31 March 2025, 06:07 UTC: the day after Europe's spring clock change.
const START = Date.parse("2025-03-31T06:07:00Z");
const ZONES = [
  ["UTC", 30],
  ["Europe/Paris", 12],
  ["Europe/London", 8],
  ["Europe/Berlin", 8],
  ["America/New_York", 12],
  ["America/Los_Angeles", 8],
  ["America/Sao_Paulo", 4],
  ["Asia/Tokyo", 6],
  ["Asia/Kolkata", 6],
  ["Australia/Sydney", 6],
];
const random = prng(14);
const int = (n) => Math.floor(random() * n);
const weighted = (items) => {
  let r = random() * items.reduce((sum, [, w]) => sum + w, 0);
  for (const [item, w] of items) if ((r -= w) < 0) return item;
  return items.at(-1)[0];
};
const SHAPES = [
  [() => `${int(60)} ${int(24)} * * ${int(7)}`, 35], // weekly
  [() => `${int(60)} ${int(24)} * * *`, 25], // daily
  [() => `${int(60)} ${int(24)} * * 1-5`, 15], // weekdays
  [() => `${int(60)} ${int(24)} ${1 + int(28)} * *`, 10], // monthly
  [() => `${int(60)} ${int(24)} 1 1,4,7,10 *`, 5], // quarterly
  [() => `${int(60)} */6 * * *`, 5], // every six hours
  [() => `${int(60)} * * * *`, 5], // hourly
];

log(`generating ${n(repoCount * tasksPerRepo)} tasks over ${n(repoCount)} repositories…`);
gc();
const heapEmpty = heapMiB();
const repos = Array.from({ length: repoCount }, (_, r) => {
  const tasks = Array.from({ length: tasksPerRepo }, (_, i) => ({
    name: `task-${i}`,
    schedule: weighted(SHAPES)(),
    timezone: weighted(ZONES),
    prompt: `Chore ${i} of repository ${r}.`,
    labels: [],
  }));
  // Most tasks ran some time in the last week; one in fifty never has.
  const lastRuns = new Map();
  for (const task of tasks) if (random() >= 0.02) lastRuns.set(task.name, new Date(START - int(7 * DAY)));
  return { tasks, lastRuns };
});
const taskCount = repoCount * tasksPerRepo;
const distinct = new Set(repos.flatMap((r) => r.tasks.map((t) => t.schedule))).size;
gc();
const heapTasks = heapMiB();

/** One stateless tick over every repository; the due tasks, by repository. */
function statelessTick(now) {
  const due = [];
  for (const repo of repos) due.push(dueTasks(repo.tasks, repo.lastRuns, now));
  return due;
}

// One tick, the first one compiling every schedule, then the same tick again.
log(`one tick, ${rounds + 1} rounds…`);
const tickMs = [];
let dueAtStart = 0;
let heapAfterTick = 0;
for (let round = 0; round <= rounds; round++) {
  gc();
  const began = performance.now();
  const due = statelessTick(new Date(START));
  tickMs.push(performance.now() - began);
  heapAfterTick = Math.max(heapAfterTick, heapMiB());
  dueAtStart = due.reduce((sum, d) => sum + d.length, 0);
  log(`  round ${round}: ${s(tickMs.at(-1))}, ${n(dueAtStart)} due`);
}
gc();
const heapRetained = heapMiB();

const ticks = Array.from({ length: hours }, (_, h) => START + h * HOUR);
const copyRuns = () => repos.map((r) => new Map(r.lastRuns));

// A day of hourly ticks, stateless: each tick records the due tasks' run at the tick.
log(`${hours} hourly ticks, stateless…`);
const statelessRuns = [];
const statelessMs = [];
{
  const saved = copyRuns();
  for (const tick of ticks) {
    const now = new Date(tick);
    const began = performance.now();
    const due = statelessTick(now);
    statelessMs.push(performance.now() - began);
    log(`  ${now.toISOString().slice(11, 16)}: ${s(statelessMs.at(-1))}, ${n(due.flat().length)} due`);
    due.forEach((list, r) => {
      for (const d of list) {
        repos[r].lastRuns.set(d.task.name, now);
        statelessRuns.push(`${r}/${d.task.name}@${tick}`);
      }
    });
  }
  repos.forEach((repo, r) => (repo.lastRuns = saved[r]));
}
log(`  ${n(statelessRuns.length)} runs, median tick ${s(median(statelessMs))}`);

// The same day, keeping each task's next due time.
log(`${hours} hourly ticks, keeping next due times…`);
const keptRuns = [];
const keptMs = [];
let keptSetupMs = 0;
{
  const began = performance.now();
  const next = repos.map((repo) =>
    repo.tasks.map((task) =>
      nextRun(task, repo.lastRuns.get(task.name) ?? new Date(START - FIRST_RUN_LOOKBACK_MS)).getTime(),
    ),
  );
  keptSetupMs = performance.now() - began;
  for (const tick of ticks) {
    const now = new Date(tick);
    const tickBegan = performance.now();
    repos.forEach((repo, r) => {
      repo.tasks.forEach((task, i) => {
        if (next[r][i] > tick) return;
        keptRuns.push(`${r}/${task.name}@${tick}`);
        next[r][i] = nextRun(task, now).getTime();
      });
    });
    keptMs.push(performance.now() - tickBegan);
  }
}
log(`  ${n(keptRuns.length)} runs, median tick ${s(median(keptMs))}`);

// The App's scheduler itself (dist/runs/maintenance-scheduler.js): a full sync reading every repository's
// config (YAML, validated) from a GitHub answered in memory, then a tick a minute, storing deliveries in a
// queue that only counts them.
log(`the App's scheduler: a full sync, then ${hours * 60} ticks a minute apart…`);
const { createMaintenanceScheduler } = await import(
  pathToFileURL(join(ROOT, "dist/runs/maintenance-scheduler.js")).href
);
const { Octokit } = await import("@octokit/core");
const yamlOf = (repo) =>
  `maintenance:\n  tasks:\n${repo.tasks
    .map(
      (t) =>
        `    - name: ${t.name}\n      schedule: "${t.schedule}"\n      timezone: ${t.timezone}\n      prompt: ${t.prompt}\n`,
    )
    .join("")}`;
const configs = repos.map((repo) => Buffer.from(yamlOf(repo)).toString("base64"));
// A Response made here has no `url`, which Octokit's pagination reads: the request's is given to it.
const json = (url, body) =>
  Object.defineProperty(
    new globalThis.Response(JSON.stringify(body), {
      status: 200,
      headers: { "content-type": "application/json" },
    }),
    "url",
    { value: String(url) },
  );
const github = new Octokit({
  request: {
    fetch: async (url) => {
      const path = new URL(String(url)).pathname;
      if (path === "/app/installations") return json(url, [{ id: 1, suspended_at: null }]);
      if (path === "/installation/repositories")
        return json(url, {
          total_count: repoCount,
          repositories: repos.map((_, r) => ({
            id: r + 1,
            name: `repo-${r}`,
            owner: { login: "bench" },
            default_branch: "main",
            private: false,
          })),
        });
      const match = /^\/repos\/bench\/repo-(\d+)\/contents\//.exec(path);
      if (match) return json(url, { type: "file", encoding: "base64", content: configs[Number(match[1])] });
      throw new Error(`unexpected request ${path}`);
    },
  },
});
const deliveries = new Set();
let clock = START;
const appScheduler = createMaintenanceScheduler({
  queue: { accept: async ({ id }) => (deliveries.has(id) ? "duplicate" : (deliveries.add(id), "accepted")) },
  appOctokit: async () => github,
  installationOctokit: async () => github,
  log: { info: () => {}, warn: (m, f) => log(`  warning: ${m}`, f ?? ""), error: () => {} },
  now: () => new Date(clock),
  timers: { setTimeout: () => undefined, clearTimeout: () => {} },
});
gc();
const heapBeforeSync = heapMiB();
let began = performance.now();
await appScheduler.sync({ catchUp: true });
const syncMs = performance.now() - began;
gc();
const heapKnown = heapMiB() - heapBeforeSync;
const catchUps = deliveries.size;
const appTickMs = [];
for (let minute = 1; minute <= hours * 60; minute++) {
  clock = START + minute * 60_000;
  began = performance.now();
  await appScheduler.tick();
  appTickMs.push(performance.now() - began);
}
const appDeliveries = deliveries.size - catchUps;
log(`  sync ${s(syncMs)}, ${n(appDeliveries)} deliveries, median tick ${median(appTickMs).toFixed(2)} ms`);

const same = statelessRuns.length === keptRuns.length && statelessRuns.every((run, i) => run === keptRuns[i]);
if (!same) {
  log("the two ways started different runs");
  process.exitCode = 1;
}

const sum = (values) => values.reduce((a, b) => a + b, 0);
const rows = [
  ["tasks / repositories", `${n(taskCount)} / ${n(repoCount)} (${n(distinct)} distinct schedules, 10 zones)`],
  ["one tick, first (compiles every schedule)", `${s(tickMs[0])}, ${n(dueAtStart)} tasks due`],
  [
    `one tick, median of the next ${rounds}`,
    `${s(median(tickMs.slice(1)))} (${((median(tickMs.slice(1)) * 1000) / taskCount).toFixed(0)} µs a task)`,
  ],
  [
    `${hours} hourly ticks, stateless: tick median / max / total`,
    `${s(median(statelessMs))} / ${s(Math.max(...statelessMs))} / ${s(sum(statelessMs))}; ${n(statelessRuns.length)} runs`,
  ],
  [
    `${hours} hourly ticks, next due times kept: setup / tick median / max / total`,
    `${s(keptSetupMs)} / ${s(median(keptMs))} / ${s(Math.max(...keptMs))} / ${s(keptSetupMs + sum(keptMs))}; ${n(keptRuns.length)} runs`,
  ],
  ["both ways started the same runs", same ? "yes" : "**no**"],
  [
    "the App's scheduler: full sync (configs parsed) / heap it added (entries, client, compiled schedules)",
    `${s(syncMs)}, ${n(catchUps)} catch-up deliveries / ${heapKnown.toFixed(1)} MiB`,
  ],
  [
    `the App's scheduler: ${n(hours * 60)} ticks a minute apart, tick median / max / total`,
    `${median(appTickMs).toFixed(2)} ms / ${Math.max(...appTickMs).toFixed(2)} ms / ${s(sum(appTickMs))}; ${n(appDeliveries)} deliveries`,
  ],
  [
    "heap used: empty / with the tasks / highest during a tick / after, collected",
    `${heapEmpty.toFixed(1)} / ${heapTasks.toFixed(1)} / ${heapAfterTick.toFixed(1)} / ${heapRetained.toFixed(1)} MiB`,
  ],
];
console.log(
  `## Maintenance schedule: ${n(taskCount)} tasks over ${n(repoCount)} repositories (Node ${process.versions.node})\n`,
);
console.log("| measure | value |\n| --- | --- |");
for (const [what, value] of rows) console.log(`| ${what} | ${value} |`);
if (!globalThis.gc) console.log("\n(run with node --expose-gc for the heap figures after collection)");
