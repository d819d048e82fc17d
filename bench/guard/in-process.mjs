// The rules alone: every text file of the corpus scanned block by block in this process, with no I/O, no
// threads and no start-up in the figure, and how much text it derives (decoded, joined) to scan again.
// For comparing two builds of the guard side by side:
//   node bench/guard/in-process.mjs [--dist dist] [--rounds 5]
// The corpus must exist (`node bench/guard/run.mjs` builds it). Prints the median and each round's ms.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { pathToFileURL, URL } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { dist: { type: "string", default: "dist" }, rounds: { type: "string", default: "5" } },
});
const dist = pathToFileURL(resolve(values.dist)).href;
const { Guard } = await import(`${dist}/guard/engine.js`);
const { ALL_RULES } = await import(`${dist}/guard/rules/index.js`);
const { GuardConfig } = await import(`${dist}/guard/config.js`);
const { derivedTexts } = await import(`${dist}/guard/derived-text.js`);

const root = new URL("./.corpus/tree/", import.meta.url).pathname;
const blocks = [];
(function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.isFile()) {
      const bytes = readFileSync(path);
      // Binary files are scanned by their printable runs elsewhere: left out here.
      if (bytes.subarray(0, 8000).includes(0)) continue;
      const text = bytes.toString("utf8");
      blocks.push({ text, path: relative(root, path), where: "file", firstLine: 1, firstColumn: 1 });
    }
  }
})(root);
const mb = blocks.reduce((n, b) => n + b.text.length, 0) / 1e6;

// How much text the scan derives (decoded, joined) and runs the rules on again, by how it was derived.
const derived = new Map();
for (const block of blocks)
  for (const d of derivedTexts(block.text)) derived.set(d.how, (derived.get(d.how) ?? 0) + d.text.length);

const guard = new Guard(ALL_RULES, GuardConfig.parse({}), {});
const times = [];
let findings = 0;
for (let round = 0; round < Number(values.rounds); round++) {
  const start = performance.now();
  findings = 0;
  for (const block of blocks) findings += guard.scanBlock(block).length;
  times.push(performance.now() - start);
}
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
process.stdout.write(
  `${values.dist}: ${blocks.length} files, ${mb.toFixed(1)} MB, ${findings} findings; ` +
    `median ${median.toFixed(0)} ms (rounds: ${times.map((t) => t.toFixed(0)).join(", ")})\n` +
    `derived text: ${[...derived].map(([how, n]) => `${how} ${(n / 1e6).toFixed(2)} MB`).join(", ")}\n`,
);
