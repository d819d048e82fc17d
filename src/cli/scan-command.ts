import { resolve } from "node:path";
import { loadBaseline } from "../guard/baseline.js";
import { formatJson } from "../guard/format/format-json.js";
import { formatSarif } from "../guard/format/format-sarif.js";
import { formatText } from "../guard/format/format-text.js";
import { loadGuardConfig } from "../guard/load-config.js";
import { scan, type ScanTarget } from "../guard/scan.js";
import { ScanError } from "../guard/scan-error.js";
import { git } from "../workspace/git.js";
import type { CliIo } from "./io.js";
import { VERSION } from "./version.js";

export interface ScanOptions {
  git?: string;
  staged?: boolean;
  pack?: string | boolean;
  text?: string;
  format: string;
  config?: string;
  baseline?: string;
  color: boolean;
}

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_CANNOT_SCAN = 2;

/** `patchwright scan`: 0 clean, 1 findings, 2 could not scan (never 0 then). */
export async function runScan(paths: string[], opts: ScanOptions, io: CliIo): Promise<number> {
  try {
    const target = chooseTarget(paths, opts);
    if (!["text", "json", "sarif"].includes(opts.format)) {
      throw new ScanError(`--format must be text, json or sarif, not "${opts.format}"`);
    }
    const repoRoot =
      target.mode === "pack"
        ? target.dir
        : await git(io.cwd, ["rev-parse", "--show-toplevel"]).then(
            (out) => out.trim(),
            () => io.cwd,
          );
    const { config, warnings } = await loadGuardConfig({
      file: opts.config,
      repoRoot,
      env: io.env,
      cwd: io.cwd,
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
    const report = await scan(target, { cwd: io.cwd, config, baseline, input: io.stdin, inlineAllow: true });
    if (opts.format === "json") io.stdout.write(formatJson(report));
    else if (opts.format === "sarif") io.stdout.write(formatSarif(report, VERSION));
    else
      io.stdout.write(formatText(report, { color: opts.color && !io.env["NO_COLOR"] && !!io.stdout.isTTY }));
    return report.findings.length > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    io.stderr.write(`patchwright: could not scan: ${err.message}\n`);
    return EXIT_CANNOT_SCAN;
  }
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
