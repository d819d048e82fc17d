import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

// The built bin (dist/cli/main.js, bundled by the global setup's build), run with a module hook that
// writes down every module it loads: evidence of what `scan` pays for at start-up, not a timing.
const BIN = join(import.meta.dirname, "../../dist/cli/main.js");
const AGENT =
  /\/node_modules\/(@anthropic-ai|@aws-sdk|google-auth-library|probot|@octokit|bullmq|ioredis|better-sqlite3|web-tree-sitter|@vscode\/tree-sitter-wasm)\//;

/** Runs the bin in `cwd` and resolves with its exit code and the URL of every module it loaded. */
function runLogged(args: string[], cwd: string): Promise<{ code: number; stdout: string; loaded: string[] }> {
  const dir = tempDir();
  const log = join(dir, "loaded.txt");
  writeFileSync(log, "");
  writeFileSync(
    join(dir, "hooks.mjs"),
    'import { appendFileSync } from "node:fs";\n' +
      "export async function resolve(specifier, context, next) {\n" +
      "  const resolved = await next(specifier, context);\n" +
      `  appendFileSync(${JSON.stringify(log)}, resolved.url + "\\n");\n` +
      "  return resolved;\n" +
      "}\n",
  );
  writeFileSync(
    join(dir, "register.mjs"),
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`,
  );
  const register = pathToFileURL(join(dir, "register.mjs")).href;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", register, BIN, ...args],
      { cwd, env: { PATH: process.env["PATH"] ?? "", HOME: cwd } },
      (err, stdout) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        const loaded = readFileSync(log, "utf8").split("\n").filter(Boolean);
        resolve({ code, stdout, loaded: loaded.filter((u) => !u.startsWith("node:")) });
      },
    );
  });
}

const shortNames = (urls: string[]): string[] => urls.map((u) => u.split("/").pop()!);

describe("the bundled CLI", () => {
  it("scans an empty folder from its own chunks alone: no package, and no other command's chunk", async () => {
    const empty = tempDir();
    const r = await runLogged(["scan", empty, "--format", "json"], empty);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ findings: [], stats: { files: 0 } });
    const names = shortNames(r.loaded);
    // The hook saw the bundle itself: the evidence below is not empty for want of looking.
    expect(names).toContain("main.js");
    expect(names.some((n) => /^main-scan-command-\w+\.js$/.test(n))).toBe(true);
    // commander, zod, picomatch and ignore are in the chunks: nothing comes from node_modules.
    expect(r.loaded.filter((u) => u.includes("/node_modules/"))).toEqual([]);
    expect(names.filter((n) => /^main-(run|app|config|hash-term)-command-/.test(n))).toEqual([]);
    // An empty folder is no reason to start a scanning thread early.
    expect(names).not.toContain("scan-thread.js");
  });

  it("scans a large folder on threads that start from the bundle's thread script, with no package", async () => {
    const dir = tempDir();
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`src/f${i}.ts`] = `export const n${i} = ${i};\n`;
    writeFiles(dir, files);
    const r = await runLogged(["scan", ".", "--format", "json", "--threads", "3"], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ findings: [], stats: { files: 300 } });
    const names = shortNames(r.loaded);
    // Both worker threads (the third is the calling one) resolved the script: a build without it would
    // scan on one thread without a word.
    expect(names.filter((n) => n === "scan-thread.js")).toHaveLength(2);
    expect(r.loaded.filter((u) => u.includes("/node_modules/") || u.includes("/dist/guard/"))).toEqual([]);
    // Named from elsewhere, the folder's files are opened by their whole path, not the working folder's.
    const outside = await runLogged(["scan", dir, "--format", "json", "--threads", "3"], tempDir());
    expect(outside.code).toBe(0);
    expect(JSON.parse(outside.stdout)).toMatchObject({ findings: [], stats: { files: 300, skipped: 0 } });
  });

  it("scans with the thread it started early, which builds its guard from the repository's config", async () => {
    const dir = tempDir();
    const token = githubToken(prng(11));
    const files: Record<string, string> = {
      ".github/patchwright.yml": "guard:\n  allow:\n    paths: ['fixtures/**']\n",
      "fixtures/sample.ts": `export const t = "${token}";\n`,
    };
    for (let i = 0; i < 400; i++) files[`src/f${i}.ts`] = `export const n${i} = ${i};\n`;
    files["src/f399.ts"] = `export const leaked = "${token}";\n`;
    // A file read whole into a thread's buffer, and one larger than a block, streamed: the token is last.
    const lines = (n: number): string => "const filler = 1;\n".repeat(n);
    files["src/lock.ts"] = `${lines(60_000)}const t = "${token}";\n`;
    files["src/huge.ts"] = `${lines(300_000)}const t = "${token}";\n`;
    writeFiles(dir, files);
    const r = await runLogged(["scan", ".", "--format", "json", "--threads", "2"], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      findings: { path: string; line: number }[];
      stats: { files: number };
    };
    // The allowed path holds the same token: only a guard built from the config leaves it unread.
    expect(report.stats.files).toBe(403);
    expect(report.findings.map((f) => [f.path, f.line])).toEqual([
      ["src/f399.ts", 1],
      ["src/huge.ts", 300_001],
      ["src/lock.ts", 60_001],
    ]);
    // One worker thread: the scan took the early one rather than start another beside it.
    expect(shortNames(r.loaded).filter((n) => n === "scan-thread.js")).toHaveLength(1);
  });

  it("stops a thread started early when the walk finds too few files for threads, and exits", async () => {
    const dir = tempDir();
    const files: Record<string, string> = { ".gitignore": "generated/\n", "src/a.ts": "export {};\n" };
    for (let i = 0; i < 300; i++) files[`generated/g${i}.ts`] = `export const g${i} = ${i};\n`;
    writeFiles(dir, files);
    const r = await runLogged(["scan", ".", "--format", "json", "--threads", "2"], dir);
    expect(r.code).toBe(0);
    // The guess counted the ignored folder and started a thread, which the walk left unused: the scan is
    // the same, and the command ends rather than wait for it (whether it got as far as loading its script
    // depends on timing, so that is not asserted).
    expect(JSON.parse(r.stdout)).toMatchObject({ findings: [], stats: { files: 2 } });
    const one = await runLogged(["scan", ".", "--format", "json", "--threads", "1"], dir);
    expect(one.code).toBe(0);
    expect(shortNames(one.loaded)).not.toContain("scan-thread.js");
  });

  it("writes a report many times a pipe's buffer whole before it ends the process, with its exit code", async () => {
    const dir = tempDir();
    const random = prng(12);
    const tokens = Array.from({ length: 3000 }, () => `const t = "${githubToken(random)}";`);
    writeFiles(dir, { "many.ts": `${tokens.join("\n")}\n` });
    const r = await runLogged(["scan", ".", "--format", "json"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeGreaterThan(900_000);
    expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings).toHaveLength(3000);
  });

  it("loads the YAML parser for a config file, and still none of the agent's packages", async () => {
    const repo = tempDir();
    writeFiles(repo, {
      ".github/patchwright.yml": "guard:\n  allow:\n    paths: ['vendor/**']\n",
      "a.txt": "hi\n",
    });
    const r = await runLogged(["scan", repo, "--format", "json"], repo);
    expect(r.code).toBe(0);
    expect(r.loaded.some((u) => u.includes("/node_modules/yaml/"))).toBe(true);
    expect(r.loaded.filter((u) => AGENT.test(u))).toEqual([]);
  });

  it("loads the agent's packages for `run`, so the hook would have seen them in a scan", async () => {
    const notRepo = tempDir();
    const r = await runLogged(["run", "say hi", "--repo", notRepo], notRepo);
    expect(r.code).toBe(2);
    expect(r.loaded.some((u) => AGENT.test(u))).toBe(true);
  });
});
