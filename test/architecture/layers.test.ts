import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-repo.js";

const ROOT = join(import.meta.dirname, "../..");
const layers = createRequire(import.meta.url)(join(ROOT, "layers.cjs")) as {
  layer: string;
  folders: string[];
}[];

/** dependency-cruiser with the project's rules over a small made-up src/, its violations by rule name. */
async function violations(files: Record<string, string>): Promise<string[]> {
  const dir = tempDir("pw-layers-");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(join(dir, "tsconfig.json"), readFileSync(join(ROOT, "tsconfig.json")));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const run = promisify(execFile)(
    process.execPath,
    [
      join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs"),
      "src",
      "--config",
      join(ROOT, ".dependency-cruiser.cjs"),
      "--output-type",
      "json",
    ],
    { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
  );
  // It exits non-zero when it finds errors; the JSON report is on stdout either way.
  const { stdout } = await run.catch((err: { stdout: string }) => err);
  const report = JSON.parse(stdout) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  };
  return report.summary.violations
    .map((v) => `${v.rule.name}: ${v.from} -> ${v.to.replace(/^.*node_modules\//, "node_modules/")}`)
    .sort();
}

describe("the layer rules (npm run lint)", () => {
  it("refuse an upward import, a sideways one between peers, a cycle and a framework in the core", async () => {
    const found = await violations({
      "src/guard/scan.ts": 'import { loop } from "../agent/loop.js";\nexport const scan = loop;\n',
      "src/agent/loop.ts": "export const loop = 1;\n",
      "src/review/post.ts": 'import { task } from "../maintenance/task.js";\nexport const post = task;\n',
      "src/maintenance/task.ts": "export const task = 1;\n",
      "src/runs/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
      "src/runs/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
      "src/runs/web.ts": 'import { Probot } from "probot";\nexport const web = Probot;\n',
      "src/request/ask.ts": 'import { port } from "../github/port.js";\nexport const ask = port;\n',
      "src/github/port.ts": "export const port = 1;\n",
    });
    expect(found).toEqual([
      "framework-app: src/runs/web.ts -> node_modules/probot/lib/index.js",
      "layer-guard: src/guard/scan.ts -> src/agent/loop.ts",
      "layer-request: src/request/ask.ts -> src/github/port.ts",
      "layer-review: src/review/post.ts -> src/maintenance/task.ts",
      "no-circular: src/runs/a.ts -> src/runs/b.ts",
    ]);
  });

  it("allow imports down the layers and within a folder", async () => {
    const found = await violations({
      "src/app/main.ts":
        'import { Probot } from "probot";\nimport { run } from "../runs/run.js";\nexport const main = [Probot, run];\n',
      "src/runs/run.ts":
        'import { review } from "../review/review.js";\nimport { scan } from "../guard/scan.js";\nexport const run = [review, scan];\n',
      "src/review/review.ts": 'import { port } from "../github/port.js";\nexport const review = port;\n',
      "src/github/port.ts":
        'import { config } from "../config/config.js";\nimport { git } from "../workspace/git.js";\nexport const port = [config, git];\n',
      "src/workspace/git.ts": "export const git = 1;\n",
      "src/config/config.ts": 'import { scan } from "../guard/scan.js";\nexport const config = scan;\n',
      "src/guard/scan.ts": "export const scan = 1;\n",
    });
    expect(found).toEqual([]);
  });

  it("are the layers docs/architecture.md shows", () => {
    const doc = readFileSync(join(ROOT, "docs/architecture.md"), "utf8");
    const table = /<!-- layers -->\n([\s\S]*?)<!-- \/layers -->/.exec(doc)?.[1] ?? "";
    const rows = table
      .split("\n")
      .filter((l) => /^\| [a-z]/.test(l))
      .map((l) => l.split("|").map((cell) => cell.trim()))
      .map(([, layer, folders]) => ({ layer, folders: (folders ?? "").replace(/`/g, "").split(/,\s*/) }));
    expect(rows).toEqual(layers.map(({ layer, folders }) => ({ layer, folders })));
  });
});
