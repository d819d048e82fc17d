// The synthetic pull request of `npm run bench:review`, in a real git repository: deterministic, 300
// changed files and about 20,000 changed lines (additions plus deletions) between `main` and `feature`.
//   265 modules (src/pkgPP/modMMM.ts) with three of their twelve functions rewritten,
//   12 new modules, 13 test files edited, 5 docs edited, 3 modules removed,
//   a lockfile rewritten and a minified bundle added (both left out of the review by default).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";

const pad = (n, width) => String(n).padStart(width, "0");
const MODIFIED = 265;
const ADDED = 12;
const TESTS = 13;
const DOCS = 5;
const REMOVED = 3;
const FUNCTIONS = 12;
const REWRITTEN = [2, 6, 10];

const modulePath = (i) => `src/pkg${pad(Math.floor(i / 25), 2)}/mod${pad(i % 25, 3)}.ts`;

function fn(id, f, version) {
  const k = (id * 7 + f * 13) % 97;
  const body =
    version === "base"
      ? Array.from({ length: 8 }, (_, j) => `  const v${j} = input * ${k + j} + ${(id + j) % 11};`)
      : Array.from({ length: 12 }, (_, j) =>
          j % 3 === 2
            ? `  if (v${j - 1} > ${k * 10 + j}) throw new RangeError("step ${id}.${f}: value ${j} too large");`
            : `  const v${j} = Math.round((input ^ ${k + j}) * ${(id % 5) + 1}.5) - offset${j % 4};`,
        );
  return [
    `/** Step ${f} of module ${id}. */`,
    `export function step${f}_${id}(input: number): number {`,
    ...body,
    `  return input;`,
    "}",
    "",
  ];
}

function moduleText(id, version) {
  const lines = [
    `// Module ${id}.`,
    `import { offset0, offset1, offset2, offset3 } from "../offsets.js";`,
    "",
  ];
  for (let f = 0; f < FUNCTIONS; f++)
    lines.push(...fn(id, f, version === "head" && REWRITTEN.includes(f) ? "head" : "base"));
  return lines.join("\n");
}

function testText(id, version) {
  const lines = [
    `import { describe, expect, it } from "vitest";`,
    `import { step0_${id} } from "../src/mod.js";`,
    "",
  ];
  for (let t = 0; t < 10; t++) {
    const expected = version === "head" && t % 3 === 0 ? `${t * 3 + id}` : `${t * 2}`;
    lines.push(`it("case ${t}", () => {`, `  expect(step0_${id}(${t})).toBe(${expected});`, "});", "");
  }
  return lines.join("\n");
}

function docText(d, version) {
  const lines = [`# Guide ${d}`, ""];
  for (let p = 0; p < 40; p++) {
    lines.push(
      version === "head" && p % 2 === 0
        ? `Step ${p} now reads the new offsets first (guide ${d}).`
        : `Step ${p} of guide ${d}.`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function lockText(version) {
  const lines = ["{", '  "lockfileVersion": 3,', '  "packages": {'];
  for (let p = 0; p < 400; p++) {
    const v = version === "head" ? `2.${p % 9}.${p % 7}` : `1.${p % 9}.${p % 5}`;
    lines.push(
      `    "node_modules/pkg-${p}": { "version": "${v}" },`,
      `    "node_modules/pkg-${p}/dep": { "version": "${v}-dep" },`,
    );
  }
  lines.push('    "": {}', "  }", "}");
  return `${lines.join("\n")}\n`;
}

function files(version) {
  const out = { "src/offsets.ts": "export const offset0 = 1, offset1 = 2, offset2 = 3, offset3 = 4;\n" };
  for (let i = 0; i < MODIFIED; i++) out[modulePath(i)] = moduleText(i, version);
  for (let i = 0; i < REMOVED; i++)
    if (version === "base") out[modulePath(MODIFIED + i)] = moduleText(MODIFIED + i, "base");
  if (version === "head") {
    for (let i = 0; i < ADDED; i++) out[`src/added/new${pad(i, 2)}.ts`] = moduleText(1000 + i, "base");
    out["public/app.min.js"] = `!function(){${"var a=1;".repeat(400)}}();\n`;
  }
  for (let i = 0; i < TESTS; i++) out[`test/mod${pad(i, 3)}.test.ts`] = testText(i, version);
  for (let d = 0; d < DOCS; d++) out[`docs/guide${d}.md`] = docText(d, version);
  out["package-lock.json"] = lockText(version);
  return out;
}

function write(dir, tree) {
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

const git = (dir, args) =>
  execFileSync("git", args, {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Bench",
      GIT_AUTHOR_EMAIL: "bench@example.com",
      GIT_COMMITTER_NAME: "Bench",
      GIT_COMMITTER_EMAIL: "bench@example.com",
      GIT_CONFIG_NOSYSTEM: "1",
    },
    maxBuffer: 256 * 1024 * 1024,
  }).toString();

/** Writes the repository: `main` at the base, `feature` (checked out) at the head. */
export function generatePullRequest() {
  const dir = mkdtempSync(join(tmpdir(), "pw-bench-review-"));
  try {
    git(dir, ["init", "-q", "-b", "main"]);
    write(dir, files("base"));
    git(dir, ["add", "-A"]);
    git(dir, ["commit", "-q", "-m", "base"]);
    const baseSha = git(dir, ["rev-parse", "HEAD"]).trim();
    git(dir, ["checkout", "-q", "-b", "feature"]);
    for (let i = 0; i < REMOVED; i++) rmSync(join(dir, modulePath(MODIFIED + i)));
    write(dir, files("head"));
    git(dir, ["add", "-A"]);
    git(dir, ["commit", "-q", "-m", "head"]);
    const headSha = git(dir, ["rev-parse", "HEAD"]).trim();
    return { dir, baseSha, headSha, git: (args) => git(dir, args) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The pull request's files as GitHub lists them (`GET .../pulls/N/files`): one `git diff base...head`,
 * split per file, hunks only in `patch`.
 */
export function pullFiles(pr) {
  const names = pr
    .git(["diff", "--name-status", "--no-renames", `${pr.baseSha}...${pr.headSha}`])
    .trim()
    .split("\n");
  const diff = pr.git(["diff", "--no-renames", "--no-color", `${pr.baseSha}...${pr.headSha}`]);
  const sections = diff.split(/^(?=diff --git )/m).filter((s) => s.startsWith("diff --git "));
  return names.map((row, i) => {
    const [code, filename] = row.split("\t");
    const section = sections[i];
    if (!section.startsWith(`diff --git a/${filename} `))
      throw new Error(`diff order differs at ${filename}`);
    const at = section.search(/^@@ /m);
    const patch = at < 0 ? undefined : section.slice(at).replace(/\n$/, "");
    const rows = patch ? patch.split("\n") : [];
    const additions = rows.filter((r) => r.startsWith("+")).length;
    const deletions = rows.filter((r) => r.startsWith("-")).length;
    return {
      sha: pr.headSha,
      filename,
      status: code === "A" ? "added" : code === "D" ? "removed" : "modified",
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `https://github.com/bench/repo/blob/${pr.headSha}/${filename}`,
      raw_url: `https://github.com/bench/repo/raw/${pr.headSha}/${filename}`,
      contents_url: `https://api.github.com/repos/bench/repo/contents/${filename}?ref=${pr.headSha}`,
      ...(patch !== undefined && { patch }),
    };
  });
}
