// The `--threads` option of `scan`, the scanning threads' script, and the thread `scan` starts early.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { startEarlyThread, type EarlyThread } from "../guard/sources/early-thread.js";
import type { ScanOptions } from "./scan-options.js";

const DEFAULT_MAX_THREADS = 4;
export const MAX_THREADS = 64;
// The bundle's second entry, beside the CLI's own files in dist/cli (scripts/bundle-cli.mjs). Run from
// source (the tests' in-process calls) there is no built worker script: the scan then stays on this thread.
export const SCAN_THREAD = new URL("./scan-thread.js", import.meta.url);

/** The threads `--threads` asks for (default: one per CPU, at most 4); undefined when it is no count. */
export function threadCount(value: string | undefined): number | undefined {
  const count = value === undefined ? Math.min(availableParallelism(), DEFAULT_MAX_THREADS) : Number(value);
  return Number.isInteger(count) && count >= 1 && count <= MAX_THREADS ? count : undefined;
}

/**
 * For `scan`, before its modules load: a scanning thread started now, when the command scans folders on
 * threads and they look large (see startEarlyThread). Anything else (a range, a package, a text, one
 * thread, a bad option, an empty folder) starts none, and the command goes on as it would have.
 */
export function startScanThreadEarly(
  paths: readonly string[],
  opts: ScanOptions,
  cwd: string,
): EarlyThread | undefined {
  const otherTarget = [opts.git, opts.staged, opts.pack, opts.text].some((o) => o !== undefined);
  const count = threadCount(opts.threads);
  if (otherTarget || count === undefined || count < 2 || !existsSync(SCAN_THREAD)) return undefined;
  return startEarlyThread(
    SCAN_THREAD,
    (paths.length > 0 ? paths : ["."]).map((p) => resolve(cwd, p)),
  );
}
