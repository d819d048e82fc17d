import type { Block } from "../block.js";
import type { Collector } from "../collector.js";
import type { Guard } from "../engine.js";
import type { Finding, Where } from "../finding.js";
import { ScanError } from "../scan-error.js";
import { describeFsError } from "./describe-fs-error.js";
import { BlockCutter, fileChunks, readBlocks, type BlocksRead } from "./read-blocks.js";
import type { Ahead } from "./read-ahead.js";

// One file's scan, apart from the folder walk and its threads (scan-files.ts): a scanning thread loads
// this module and not the calling thread's (which validates the threads' answers with zod).

export const WALK_SKIPS = {
  symlink: "a symbolic link: not followed (it could lead outside the folder); name its target to scan it",
  special: "a FIFO, socket or device: never opened (reading it could block or never end)",
} as const;

/** An allowed path is still read for the run's own secrets, which no allowlist accepts. */
export function mayRead(guard: Guard, path: string): boolean {
  return !guard.isPathAllowed(path) || guard.holdsKnownSecrets;
}

/**
 * Scans one file on disk as `path`: its name, then its content in bounded blocks. `ahead` is the file as
 * readAhead read it, when it did. A file read ahead is scanned before this returns, with no promise: only
 * a file still to read returns one.
 */
export function scanFile(
  guard: Guard,
  absPath: string,
  path: string,
  where: Where,
  out: Collector,
  ahead?: Ahead,
): Promise<void> | undefined {
  if (!mayRead(guard, path)) return undefined;
  out.add(guard.scanPath(path, where));
  if (ahead?.kind !== "bytes") return scanFileOnDisk(guard, absPath, path, where, out, ahead);
  try {
    const cutter = new BlockCutter(path, where, blockScanner(guard, out), true);
    counted(out, path, cutter.whole(ahead.bytes));
  } catch (err) {
    throw asScanError(err, path);
  }
  return undefined;
}

async function scanFileOnDisk(
  guard: Guard,
  absPath: string,
  path: string,
  where: Where,
  out: Collector,
  ahead: Ahead | undefined,
): Promise<void> {
  try {
    if (ahead?.kind === "error") throw ahead.error;
    if (ahead?.kind === "special") return out.skip({ path, reason: "special", detail: WALK_SKIPS.special });
    await scanStream(guard, fileChunks(absPath), path, where, out, true);
  } catch (err) {
    throw asScanError(err, path);
  }
}

function asScanError(err: unknown, path: string): ScanError {
  if (err instanceof ScanError) return err;
  return new ScanError(describeFsError(err as NodeJS.ErrnoException, path).replace(/\.$/, ""));
}

/** Scans a stream of bytes (a file, standard input) block by block. */
export async function scanStream(
  guard: Guard,
  input: AsyncIterable<Buffer | string> | Iterable<Buffer>,
  path: string,
  where: Where,
  out: Collector,
  sniffBinary: boolean,
): Promise<void> {
  counted(out, path, await readBlocks(input, path, where, blockScanner(guard, out), sniffBinary));
}

/** What scans each block of one input into `out`. */
function blockScanner(guard: Guard, out: Collector): (block: Block, overlapped: boolean) => void {
  // Only when a line was cut with an overlap can one value be found twice.
  const seen = new Set<string>();
  const firstTime = (f: Finding): boolean => {
    const key = `${f.ruleId}:${f.line}:${f.column}`;
    return seen.has(key) ? false : (seen.add(key), true);
  };
  return (block, overlapped) => {
    const found = guard.scanBlock(block);
    out.add(overlapped ? found.filter(firstTime) : found);
  };
}

function counted(out: Collector, path: string, { bytes, binary }: BlocksRead): void {
  out.files++;
  out.bytes += bytes;
  if (binary) out.skip({ path, reason: "binary", detail: BINARY_DETAIL });
}

export const BINARY_DETAIL =
  "binary content: only its printable runs were scanned, with the rules whose matches are certain";
