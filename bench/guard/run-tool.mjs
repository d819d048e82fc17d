// Runs one scanner over a directory as a child `node` process (with rss-preload.mjs for peak RSS), times it
// from spawn to exit, and returns its findings normalised to { path (relative, POSIX), line, rule }.
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { clearTimeout, setTimeout } from "node:timers";
import { fileURLToPath, pathToFileURL, URL } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const PATCHWRIGHT_CLI = join(REPO, "dist/cli/main.js");
const SECRETLINT_CLI = join(REPO, "node_modules/secretlint/bin/secretlint.js");
const PRELOAD = pathToFileURL(fileURLToPath(new URL("./rss-preload.mjs", import.meta.url))).href;
const NO_PROFILER = pathToFileURL(
  fileURLToPath(new URL("./secretlint-no-profiler.mjs", import.meta.url)),
).href;

/** Spawns `node --import rss-preload <args>`; resolves with exit code, output, wall seconds and peak RSS. */
export function runNode(args, { cwd, timeoutMs = 15 * 60_000, preloads = [] } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), "pw-bench-rss-"));
  const rssFile = join(tmp, "rss");
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const imports = [PRELOAD, ...preloads].flatMap((p) => ["--import", p]);
    const child = spawn(process.execPath, [...imports, ...args], {
      cwd,
      env: { ...process.env, BENCH_RSS_FILE: rssFile, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const seconds = (performance.now() - start) / 1000;
      clearTimeout(timer);
      const rssKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) : NaN;
      rmSync(tmp, { recursive: true, force: true });
      resolve({
        code,
        signal,
        timedOut,
        seconds,
        rssKiB,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

const toPosix = (p) => p.split(sep).join("/");

export async function runPatchwright(root, opts = {}) {
  const run = await runNode([PATCHWRIGHT_CLI, "scan", root, "--format", "json", "--no-color"], {
    cwd: root,
    ...opts,
  });
  if (run.timedOut) return { ...run, findings: [], stats: null };
  if (run.code !== 0 && run.code !== 1)
    throw new Error(`patchwright exited ${run.code ?? run.signal}: ${run.stderr.slice(0, 2000)}`);
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch (e) {
    throw new Error(
      `patchwright did not print JSON (${e.message}): ${run.stdout.slice(0, 500)} ${run.stderr.slice(0, 500)}`,
    );
  }
  const findings = (report.findings ?? []).map((f) => ({
    path: toPosix(f.path),
    line: f.line,
    rule: f.ruleId,
  }));
  return { ...run, stdout: undefined, findings, stats: report.stats ?? null };
}

export async function runSecretlint(root, opts = {}) {
  const tmp = mkdtempSync(join(tmpdir(), "pw-bench-secretlint-"));
  try {
    const rc = join(tmp, ".secretlintrc.json");
    const ignore = join(tmp, ".secretlintignore");
    const output = join(tmp, "result.json");
    writeFileSync(
      rc,
      JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] }, null, 2),
    );
    writeFileSync(ignore, "");
    // "**/*" from the corpus root: secretlint globs with dot files on and skips binary content itself.
    const args = [
      SECRETLINT_CLI,
      "**/*",
      "--secretlintrc",
      rc,
      "--secretlintignore",
      ignore,
      "--format",
      "json",
      "--output",
      output,
      "--no-color",
    ];
    const run = await runNode(args, { cwd: root, ...opts });
    if (run.timedOut) return { ...run, findings: [], stats: null };
    // With --output, secretlint exits 0 whether or not it found something; 2 is a crash.
    if (run.code !== 0 && run.code !== 1)
      throw new Error(`secretlint exited ${run.code ?? run.signal}: ${run.stderr.slice(0, 2000)}`);
    const results = JSON.parse(readFileSync(output, "utf8"));
    const findings = [];
    for (const r of results) {
      const path = toPosix(relative(root, r.filePath));
      for (const m of r.messages)
        findings.push({
          path,
          line: m.loc.start.line,
          rule: m.ruleId.replace("@secretlint/secretlint-rule-", ""),
        });
    }
    return {
      ...run,
      findings,
      stats: {
        files: results.length,
        textFiles: results.filter((r) => r.sourceContentType === "text").length,
      },
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** secretlint with its profiler's marks made no-ops by a preload (see secretlint-no-profiler.mjs). */
export function runSecretlintNoProfiler(root, opts = {}) {
  return runSecretlint(root, { ...opts, preloads: [NO_PROFILER] });
}

export const TOOLS = {
  patchwright: runPatchwright,
  secretlint: runSecretlint,
  "secretlint-no-profiler": runSecretlintNoProfiler,
};
