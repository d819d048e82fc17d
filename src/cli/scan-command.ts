import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { loadBaseline } from "../guard/baseline.js";
import { meetsConfidence } from "../guard/confidence.js";
import { Confidence, type Finding, type ScanReport } from "../guard/finding.js";
import { formatJson } from "../guard/format/format-json.js";
import { formatMarkdown } from "../guard/format/format-markdown.js";
import { formatSarif } from "../guard/format/format-sarif.js";
import { formatText } from "../guard/format/format-text.js";
import { loadGuardConfig } from "../guard/load-config.js";
import { scan, type ScanTarget } from "../guard/scan.js";
import { ScanError } from "../guard/scan-error.js";
import type { EarlyThread } from "../guard/sources/early-thread.js";
import type { ScanThreads } from "../guard/sources/scan-threads.js";
import { EXIT_CANNOT_SCAN, EXIT_CLEAN, EXIT_FINDINGS } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { describeFsError } from "../guard/sources/describe-fs-error.js";
import { checkNamedPath, repoTopOrCwd, requirePackage, requireRepo } from "./scan-preflight.js";
import type { ScanOptions } from "./scan-options.js";
import { ScanProgress } from "./scan-progress.js";
import { MAX_THREADS, SCAN_THREAD, threadCount } from "./scan-threads-option.js";
import { useColor } from "./use-color.js";
import { VERSION } from "./version.js";

export { EXIT_CANNOT_SCAN, EXIT_CLEAN, EXIT_FINDINGS };

/**
 * `patchwright scan`: 0 clean, 1 findings, 2 could not scan (never 0 then). `early` is a scanning thread
 * the command started before this module loaded (startScanThreadEarly), stopped here if the scan leaves
 * it unused.
 */
export async function runScan(
  paths: string[],
  opts: ScanOptions,
  io: CliIo,
  early?: EarlyThread,
): Promise<number> {
  try {
    const target = chooseTarget(paths, opts);
    if (!["text", "json", "sarif", "markdown"].includes(opts.format)) {
      throw new ScanError(`--format must be text, json, sarif or markdown, not "${opts.format}"`);
    }
    const minConfidence = parseMinConfidence(opts.minConfidence);
    const threads = scanThreads(opts.threads, early);
    if (target.mode === "paths")
      for (const p of target.paths) await checkNamedPath(io.cwd, p, "folder-or-file");
    if (target.mode === "pack") await requirePackage(io.cwd, target.dir);
    if (opts.config !== undefined) await checkNamedPath(io.cwd, opts.config, "config");
    // `git diff --cached` outside a repository fails as "unknown option 'cached'": say what is wrong.
    const repoRoot =
      target.mode === "pack"
        ? target.dir
        : target.mode === "staged"
          ? await requireRepo(io.cwd, "--staged")
          : await repoTopOrCwd(io.cwd);
    const { config, warnings } = await loadGuardConfig({
      file: opts.config,
      repoRoot,
      env: io.env,
      cwd: io.cwd,
      // The whole repository config's schema and the YAML parser, loaded only when there is a file to read.
      explainInvalid: async (text, shown, named) =>
        (await import("../config/parse-repo-config.js")).explainGuardConfig(text, shown, named),
    });
    for (const w of warnings) io.stderr.write(`patchwright: warning: ${w}\n`);
    const baseline = opts.baseline
      ? await loadBaseline(resolve(io.cwd, opts.baseline), opts.baseline)
      : undefined;
    if (target.mode === "text" && opts.text !== "-") {
      throw new ScanError(
        `--text reads standard input: pass "-", not "${opts.text}" (to scan a file, name it)`,
      );
    }
    // A person runs this command, so their `patchwright:allow` markers count (in a range, only the
    // markers already on the base side: see scanGitRange).
    const progress = new ScanProgress(io.stderr, io.now ?? (() => performance.now()));
    if (target.mode === "paths") await io.tuneForScan?.();
    const scanned = await scan(target, {
      cwd: io.cwd,
      config,
      baseline,
      input: io.stdin,
      inlineAllow: true,
      threads,
      onProgress: (files, bytes) => progress.update(files, bytes),
    }).finally(() => progress.done());
    const report = minConfidence ? atLeast(scanned, minConfidence) : scanned;
    const hidden =
      scanned.findings.length + scanned.advisories.length - report.findings.length - report.advisories.length;
    if (hidden > 0) {
      io.stderr.write(
        `patchwright: ${hidden} ${hidden === 1 ? "finding" : "findings"} below --min-confidence ${minConfidence} not shown\n`,
      );
    }
    if (opts.format === "json") io.stdout.write(formatJson(report));
    else if (opts.format === "sarif") io.stdout.write(formatSarif(report, VERSION));
    else if (opts.format === "markdown") io.stdout.write(formatMarkdown(report));
    else io.stdout.write(formatText(report, { color: useColor(opts.color, io.env, !!io.stdout.isTTY) }));
    return report.findings.length > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
  } catch (err) {
    // A folder met inside the walk (unreadable, gone) is a reason the scan could not finish, not a bug.
    const message =
      err instanceof ScanError
        ? err.message
        : isFsError(err)
          ? describeFsError(err, shownPath(err, io.cwd))
          : undefined;
    if (message === undefined) throw err;
    io.stderr.write(`patchwright: could not scan: ${message}\n`);
    return EXIT_CANNOT_SCAN;
  } finally {
    await early?.stop();
  }
}

function scanThreads(value: string | undefined, early: EarlyThread | undefined): ScanThreads | undefined {
  const count = threadCount(value);
  if (count === undefined) {
    throw new ScanError(`--threads must be a whole number from 1 to ${MAX_THREADS}, not "${value}"`);
  }
  return count > 1 && existsSync(SCAN_THREAD) ? { count, script: SCAN_THREAD, early } : undefined;
}

function parseMinConfidence(value: string | undefined): Confidence | undefined {
  if (value === undefined) return undefined;
  const parsed = Confidence.safeParse(value);
  if (!parsed.success) throw new ScanError(`--min-confidence must be low, medium or high, not "${value}"`);
  return parsed.data;
}

/**
 * The report without the findings below `min`. Only for this command: the agent's pushes, its comments
 * and the App's and the Action's checks block on a finding of any confidence.
 */
function atLeast(report: ScanReport, min: Confidence): ScanReport {
  const keep = (f: Finding): boolean => meetsConfidence(f.confidence, min);
  return { ...report, findings: report.findings.filter(keep), advisories: report.advisories.filter(keep) };
}

function chooseTarget(paths: string[], opts: ScanOptions): ScanTarget {
  const modes = [
    paths.length > 0 && "PATH",
    opts.git !== undefined && "--git",
    opts.staged && "--staged",
    opts.pack !== undefined && "--pack",
    opts.text !== undefined && "--text",
  ].filter(Boolean);
  if (modes.length > 1) throw new ScanError(`choose one of ${modes.join(", ")}`);
  if (opts.git !== undefined) return { mode: "git", range: opts.git };
  if (opts.staged) return { mode: "staged" };
  if (opts.pack !== undefined) return { mode: "pack", dir: typeof opts.pack === "string" ? opts.pack : "." };
  if (opts.text !== undefined) return { mode: "text" };
  return { mode: "paths", paths: paths.length ? paths : ["."] };
}

function isFsError(err: unknown): err is NodeJS.ErrnoException & { path: string } {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === "string" && "path" in err;
}

function shownPath(err: { path: string }, cwd: string): string {
  const rel = relative(cwd, err.path);
  return rel && !rel.startsWith("..") ? rel : err.path;
}
