// `npm run bench:guard`: builds (or reuses) the seeded corpus, runs patchwright and secretlint side by side
// for N rounds in alternating order, scores both against truth.json, scans the adversarial lines with
// patchwright, prints Markdown to stdout (progress goes to stderr) and writes .corpus/result.json.
//   node bench/guard/run.mjs [--mb 40] [--seed 1] [--rounds 3] [--tools patchwright,secretlint-no-profiler,secretlint]
//     [--no-adversarial] [--no-speed]
import console from "node:console";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, URL } from "node:url";
import { parseArgs } from "node:util";
import { runAdversarial } from "./adversarial.mjs";
import { checksumSource } from "./checksum.mjs";
import { ensureCorpus } from "./corpus.mjs";
import { markdown, speedMarkdown } from "./report.mjs";
import { PATCHWRIGHT_CLI, TOOLS } from "./run-tool.mjs";
import { ensureTinyTree, runBareNode } from "./speed.mjs";
import { score } from "./score.mjs";
import { readTruth } from "./truth.mjs";

const { values: args } = parseArgs({
  options: {
    mb: { type: "string", default: "40" },
    seed: { type: "string", default: "1" },
    rounds: { type: "string", default: "3" },
    tools: { type: "string", default: "patchwright,secretlint-no-profiler,secretlint" },
    "no-adversarial": { type: "boolean", default: false },
    "no-speed": { type: "boolean", default: false },
  },
});
const log = (...a) => console.error(...a);
const DIR = fileURLToPath(new URL("./.corpus/", import.meta.url));
const mb = Number(args.mb);
const rounds = Math.max(1, Number.parseInt(args.rounds, 10));
if (!(mb > 0) || !Number.isFinite(rounds)) throw new Error("--mb and --rounds must be positive numbers");

const corpus = ensureCorpus({ dir: DIR, mb, seed: args.seed, log });
if (!corpus.regenerated)
  log(`reusing corpus (seed ${args.seed}, ${mb} MB, digest ${corpus.manifest.digest.slice(0, 12)})`);
log(`ghp_/npm_ checksums from ${checksumSource}`);
const truth = readTruth(corpus.truth);

let tools = args.tools
  .split(",")
  .map((t) => t.trim())
  .filter(Boolean);
for (const t of tools) if (!TOOLS[t]) throw new Error(`unknown tool ${t}`);
if (tools.includes("patchwright") && !existsSync(PATCHWRIGHT_CLI)) {
  log("dist/cli/main.js is missing (run `npm run build`): benchmarking without patchwright");
  tools = tools.filter((t) => t !== "patchwright");
}
if (tools.length === 0) throw new Error("no tool to run");

// Read every file once so the first timed run does not pay for a cold page cache.
(function warm(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) warm(p);
    else readFileSync(p);
  }
})(corpus.tree);

const runs = Object.fromEntries(tools.map((t) => [t, []]));
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? tools : [...tools].reverse();
  for (const t of order) {
    const run = await TOOLS[t](corpus.tree);
    if (run.timedOut) throw new Error(`${t} timed out`);
    log(
      `round ${r + 1}/${rounds} ${t.padEnd(11)} ${run.seconds.toFixed(2)} s, ${(run.rssKiB / 1024).toFixed(0)} MiB, ${run.findings.length} findings`,
    );
    runs[t].push(run);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const result = {
  node: process.version,
  rounds,
  corpus: corpus.manifest,
  kinds: truth.kinds,
  tools: {},
};
for (const t of tools) {
  const list = runs[t];
  const counts = new Set(list.map((r) => r.findings.length));
  if (counts.size > 1)
    log(`warning: ${t} reported different finding counts across rounds: ${[...counts].join(", ")}`);
  const medianSeconds = median(list.map((r) => r.seconds));
  result.tools[t] = {
    seconds: list.map((r) => Number(r.seconds.toFixed(3))),
    medianSeconds,
    mbPerSecond: corpus.manifest.bytes / 1e6 / medianSeconds,
    peakRssMiB: Math.max(...list.map((r) => r.rssKiB)) / 1024,
    stats: list[0].stats,
    score: score(list[0].findings, truth),
  };
}
if (tools.includes("patchwright") && !args["no-adversarial"]) {
  log("adversarial lines (patchwright alone)...");
  result.adversarial = await runAdversarial(join(DIR, "adversarial"));
}

if (!args["no-speed"]) {
  const tiny = ensureTinyTree(DIR);
  log("5,000 tiny files...");
  result.tiny = {};
  const tinyRuns = Object.fromEntries(tools.map((t) => [t, []]));
  for (let r = 0; r < rounds; r++) {
    for (const t of r % 2 === 0 ? tools : [...tools].reverse()) {
      const run = await TOOLS[t](tiny);
      log(`tiny round ${r + 1}/${rounds} ${t.padEnd(22)} ${run.seconds.toFixed(2)} s`);
      tinyRuns[t].push(run);
    }
  }
  for (const t of tools) {
    const list = tinyRuns[t];
    result.tiny[t] = {
      seconds: list.map((x) => Number(x.seconds.toFixed(3))),
      medianSeconds: median(list.map((x) => x.seconds)),
      findings: list[0].findings.length,
      peakRssMiB: Math.max(...list.map((x) => x.rssKiB)) / 1024,
    };
  }
  if (tools.includes("patchwright")) {
    log("start-up on an empty folder against node -e...");
    // Outside any repository: inside one, a scan also asks git for the repository's top and reads the
    // ignore files above, which is work on the repository, not start-up.
    const empty = mkdtempSync(join(tmpdir(), "pw-bench-empty-"));
    const bare = [];
    const scanEmpty = [];
    // More rounds than the scans: each is short, and the machine's noise is large next to it.
    for (let r = 0; r < Math.max(9, rounds); r++) {
      const pair = [() => runBareNode(empty), () => TOOLS.patchwright(empty)];
      for (const [i, run] of r % 2 ? pair.reverse().map((f, j) => [1 - j, f]) : pair.map((f, j) => [j, f])) {
        const x = await run();
        (i === 0 ? bare : scanEmpty).push(x.seconds);
      }
    }
    rmSync(empty, { recursive: true, force: true });
    result.startup = {
      nodeMedianSeconds: median(bare),
      scanMedianSeconds: median(scanEmpty),
      addedMs: (median(scanEmpty) - median(bare)) * 1000,
    };
  }
}

const md = markdown(result) + speedMarkdown(result);
console.log(md);
for (const t of tools) {
  const s = result.tools[t].score;
  const missed = Object.entries(s.perKind).filter(([, k]) => k.missed.length);
  if (missed.length)
    console.log(
      `\n${t} missed:\n` +
        missed
          .map(([kind, k]) => `- ${kind} (${k.missed.length}): ${k.missed.slice(0, 4).join(", ")}`)
          .join("\n"),
    );
  const fps = Object.entries(s.falsePositives);
  if (fps.length)
    console.log(
      `\n${t} false positives:\n` +
        fps
          .map(
            ([kind, k]) =>
              `- ${kind} (${k.count}) rules ${JSON.stringify(k.rules)}: ${k.examples.slice(0, 3).join("; ")}`,
          )
          .join("\n"),
    );
}
writeFileSync(join(DIR, "result.json"), JSON.stringify({ ...result, markdown: md }, null, 2) + "\n");
log(`\nwrote ${join(DIR, "result.json")}`);
