// The generated repository for `npm run bench:harness`: deterministic, a few hundred small TypeScript
// modules (src/pkgPP/modMMM.ts, each with one unique `export const LIMIT_PP_MMM = N;` line the script
// edits), a few docs, and one big file (src/big/table.ts, 5,000 lines) for the large views and cats.
// Written once per run into a template directory; every round works on its own copy.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PACKAGES = 12;
export const MODULES_PER_PACKAGE = 25;
export const BIG_FILE = "src/big/table.ts";
export const BIG_FILE_LINES = 5_000;

const pad = (n, width) => String(n).padStart(width, "0");

/** Path and the unique LIMIT line of module `i` (0-based, wraps around). */
export function moduleAt(i) {
  const k = i % (PACKAGES * MODULES_PER_PACKAGE);
  const p = Math.floor(k / MODULES_PER_PACKAGE);
  const m = k % MODULES_PER_PACKAGE;
  const id = `${pad(p, 2)}_${pad(m, 3)}`;
  return {
    path: `src/pkg${pad(p, 2)}/mod${pad(m, 3)}.ts`,
    limitLine: `export const LIMIT_${id} = ${(p * 31 + m * 7) % 997};`,
    id,
  };
}

function moduleText(i) {
  const { limitLine, id } = moduleAt(i);
  const lines = [`// Module ${id}: generated for the harness benchmark.`, "", limitLine, ""];
  for (let f = 0; f < 6; f++) {
    lines.push(
      `/** Step ${f} of pipeline ${id}. */`,
      `export function step${f}_${id}(input: number[]): number[] {`,
      `  // ${f % 3 === 0 ? "TODO(bench): handle empty input" : "keep in sync with the table"}`,
      `  return input.map((x) => x * ${f + 2} + ${i % 13}).filter((x) => x % ${f + 3} !== 0);`,
      "}",
      "",
    );
  }
  return lines.join("\n");
}

function bigFileText() {
  const lines = ["// A big generated table: 5,000 lines.", "export const TABLE = ["];
  for (let r = 1; lines.length < BIG_FILE_LINES - 1; r++) {
    lines.push(
      `  { id: ${r}, name: "row-${pad(r, 5)}", weight: ${((r * 37) % 1000) / 1000}, tags: ["t${r % 7}", "g${r % 11}"] },`,
    );
  }
  lines.push("];");
  return lines.join("\n") + "\n";
}

/** Writes the template repository into a fresh temporary directory and returns its path. */
export function generateTemplate() {
  const dir = mkdtempSync(join(tmpdir(), "bench-harness-template-"));
  const write = (rel, text) => {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  write("package.json", JSON.stringify({ name: "bench-target", version: "1.0.0", type: "module" }, null, 2));
  write("README.md", "# bench-target\n\nA generated repository for the harness benchmark.\n");
  write(".gitignore", "node_modules/\n");
  for (let d = 0; d < 8; d++) {
    write(`docs/topic-${d}.md`, `# Topic ${d}\n\n${"Some prose about the pipeline. ".repeat(40)}\n`);
  }
  for (let i = 0; i < PACKAGES * MODULES_PER_PACKAGE; i++) write(moduleAt(i).path, moduleText(i));
  write(BIG_FILE, bigFileText());
  return dir;
}

/** A fresh copy of the template for one round. */
export function copyTemplate(template) {
  const dir = mkdtempSync(join(tmpdir(), "bench-harness-repo-"));
  cpSync(template, dir, { recursive: true });
  return dir;
}
