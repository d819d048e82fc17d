// `node bench/runpage/run.mjs`: the run page's weight (bytes of HTML, JS and CSS a visit loads, for a run of
// 40 turns) and the time from opening its event stream to the first event, and from an entry being
// written to the page's stream carrying it: in the serving process (told at once) and by another process
// (found by polling, every 500 ms). Runs on loopback against dist/ (npm run build first); bounded, prints
// Markdown.
//   node bench/runpage/run.mjs [--samples 30]   (built first: npx tsc -p tsconfig.build.json)
import { Buffer } from "node:buffer";
import console from "node:console";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { setTimeout, clearTimeout } from "node:timers";
import { parseArgs, TextDecoder } from "node:util";
import { createWebRoutes } from "../../dist/app/web/web-routes.js";
import { pageToken } from "../../dist/runs/run-log/page-token.js";
import { RunStore } from "../../dist/runs/run-log/run-store.js";

// Node 20's own fetch, named so the lint knows it.
const { fetch } = globalThis;

const { values: args } = parseArgs({ options: { samples: { type: "string", default: "30" } } });
const samples = Number(args.samples);
const dir = mkdtempSync(join(tmpdir(), "pw-bench-runpage-"));
const path = join(dir, "runs.sqlite");
const store = new RunStore(path, { retentionMs: 86_400_000 });
// Another process's writes: a second connection to the file, whose appends this process is not told of.
const other = new RunStore(path, { retentionMs: 86_400_000 });
const key = Buffer.alloc(32, 7);
const routes = createWebRoutes({
  store,
  pageKey: key,
  queueCounts: () => Promise.resolve([]),
  cancel: () => Promise.resolve(false),
  log: { warn: () => undefined },
});
const server = createServer((req, res) => void routes(req, res).then((h) => h || res.writeHead(404).end()));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const watchdog = setTimeout(() => {
  console.error("bench/runpage: gave up after 120 s");
  process.exit(1);
}, 120_000);

function newRun(id, turns) {
  store.create({
    id,
    repository: "octo/demo",
    thread: 1,
    threadKey: "octo/demo#1",
    kind: "implement",
    author: "octocat",
    instruction: "fix the off-by-one in pagination",
  });
  store.started(id, "Started");
  for (let t = 1; t <= turns; t++) {
    store.append(id, { type: "turn", turn: t });
    store.append(id, { type: "text", turn: t, text: "Looking at the loop bound in src/page.js." });
    store.append(id, { type: "tool", turn: t, name: "bash", input: '{"command":"node check.js"}' });
    store.append(id, {
      type: "tool_result",
      turn: t,
      name: "bash",
      isError: false,
      output: "x".repeat(400),
      ms: 120,
    });
    store.append(id, {
      type: "cost",
      turn: t,
      costUsd: t * 0.01,
      inputTokens: t * 3000,
      outputTokens: t * 200,
    });
  }
}

// Page weight: a 40-turn run, finished (no script), and the same run while it works (with the script).
newRun("weight", 40);
const fetchText = async (url) => (await fetch(url)).text();
const liveHtml = await fetchText(`${base}/runs/weight?t=${pageToken(key, "weight")}`);
const js = await fetchText(`${base}/assets/run-page.js`);
const css = await fetchText(`${base}/assets/patchwright.css`);
const bytes = (s) => Buffer.byteLength(s, "utf8");

/** A stream's text as it arrives; `until` waits for `needle` past what earlier waits consumed. */
function streamText(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return {
    async until(needle, t0) {
      let at;
      while ((at = text.indexOf(needle)) < 0) {
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        text += decoder.decode(value, { stream: true });
      }
      text = text.slice(at + needle.length);
      return performance.now() - t0;
    },
    cancel: () => reader.cancel(),
  };
}

const first = [];
const local = [];
const remote = [];
for (let i = 0; i < samples; i++) {
  const id = `s${i}`;
  newRun(id, 1);
  const t0 = performance.now();
  const res = await fetch(`${base}/runs/${id}/events?t=${pageToken(key, id)}&after=0`);
  const stream = streamText(res.body);
  first.push(await stream.until("event: entry", t0));
  await stream.until('"kind":"cost"', t0);
  let t1 = performance.now();
  store.append(id, { type: "turn", turn: 2 });
  local.push(await stream.until("Turn 2", t1));
  t1 = performance.now();
  other.append(id, { type: "turn", turn: 3 });
  remote.push(await stream.until("Turn 3", t1));
  await stream.cancel();
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(1);
};
console.log(`| What | Figure |\n| --- | --- |`);
console.log(`| Run page HTML, 40 turns (200 entries) | ${bytes(liveHtml).toLocaleString("en-US")} bytes |`);
console.log(`| run-page.js | ${bytes(js).toLocaleString("en-US")} bytes |`);
console.log(`| patchwright.css | ${bytes(css).toLocaleString("en-US")} bytes |`);
console.log(
  `| Total a visit loads (no other request, no third party) | ${(bytes(liveHtml) + bytes(js) + bytes(css)).toLocaleString("en-US")} bytes |`,
);
console.log(
  `| Stream opened → first event, p50 / p95 (${samples} runs) | ${pct(first, 50)} / ${pct(first, 95)} ms |`,
);
console.log(
  `| Entry written in the serving process → on the stream, p50 / p95 | ${pct(local, 50)} / ${pct(local, 95)} ms |`,
);
console.log(
  `| Entry written by another process → on the stream, p50 / p95 (polls every 500 ms) | ${pct(remote, 50)} / ${pct(remote, 95)} ms |`,
);

clearTimeout(watchdog);
server.closeAllConnections();
server.close();
store.close();
other.close();
rmSync(dir, { recursive: true, force: true });
