// Speed cases beside the main corpus: 5,000 tiny files (per-file cost), and start-up on an empty folder
// against `node -e ""` (what a scan adds to a bare Node process). Every tool runs alternately, per round.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRng, LOWER } from "./prng.mjs";
import { runNode } from "./run-tool.mjs";

const TINY_FILES = 5000;
const TINY_VERSION = "1";

/** 5,000 files of 1 to 6 short lines of code each, in 50 folders, from a seed; written once. */
export function ensureTinyTree(dir, seed = "tiny") {
  const tree = join(dir, `tiny-${TINY_FILES}-v${TINY_VERSION}`);
  if (existsSync(join(tree, ".done"))) return tree;
  const rng = createRng(seed);
  for (let i = 0; i < TINY_FILES; i++) {
    const folder = join(tree, `pkg${String(i % 50).padStart(2, "0")}`);
    mkdirSync(folder, { recursive: true });
    const lines = Array.from({ length: rng.range(1, 6) }, () => {
      const name = rng.chars(LOWER, rng.range(3, 10));
      return rng.pick([
        `export const ${name} = ${rng.int(1000)};`,
        `import { ${name} } from "./${rng.chars(LOWER, 5)}.js";`,
        `// ${rng.chars(LOWER, 6)} ${rng.chars(LOWER, 4)} ${rng.chars(LOWER, 8)}`,
        `const ${name} = process.env.${name.toUpperCase()};`,
      ]);
    });
    writeFileSync(join(folder, `f${i}.ts`), lines.join("\n") + "\n");
  }
  writeFileSync(join(tree, ".done"), "");
  return tree;
}

/** `node -e ""`, timed as the tools are (spawn to exit, with the RSS preload). */
export function runBareNode(root, opts = {}) {
  return runNode(["-e", ""], { cwd: root, ...opts });
}
