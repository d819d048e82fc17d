import { stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import type { Collector } from "../collector.js";
import type { Guard } from "../engine.js";
import type { Finding, Where } from "../finding.js";
import { ScanError } from "../scan-error.js";
import { describeFsError } from "./describe-fs-error.js";
import { fileChunks, readBlocks } from "./read-blocks.js";
import { walkFiles } from "./walk-files.js";

/**
 * Scans files and folders. Paths in findings are relative to `cwd` when the target lies inside it, else to
 * the target folder. Folders honour .gitignore; a file named explicitly is always scanned.
 */
export async function scanPaths(
  guard: Guard,
  targets: readonly string[],
  cwd: string,
  out: Collector,
): Promise<void> {
  for (const target of targets) {
    const abs = resolve(cwd, target);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new ScanError(`cannot read ${target}: no such file or folder`);
    const inside = abs === cwd || abs.startsWith(cwd + sep);
    if (info.isDirectory()) {
      const root = inside ? cwd : abs;
      for await (const path of walkFiles(root, abs))
        await scanFile(guard, join(root, path), path, "file", out);
    } else {
      const path = inside ? relative(cwd, abs).split(sep).join("/") : basename(abs);
      await scanFile(guard, abs, path, "file", out);
    }
  }
}

/** Scans one file on disk as `path`: its name, then its content in bounded blocks. */
export async function scanFile(
  guard: Guard,
  absPath: string,
  path: string,
  where: Where,
  out: Collector,
): Promise<void> {
  // An allowed path is still read for the run's own secrets, which no allowlist accepts.
  if (guard.isPathAllowed(path) && !guard.holdsKnownSecrets) return;
  out.add(guard.scanPath(path, where));
  try {
    await scanStream(guard, fileChunks(absPath), path, where, out, true);
  } catch (err) {
    if (err instanceof ScanError) throw err;
    throw new ScanError(describeFsError(err as NodeJS.ErrnoException, path).replace(/\.$/, ""));
  }
}

/** Scans a stream of bytes (a file, standard input) block by block. */
export async function scanStream(
  guard: Guard,
  input: AsyncIterable<Buffer | string>,
  path: string,
  where: Where,
  out: Collector,
  sniffBinary: boolean,
): Promise<void> {
  // Only when a line was cut with an overlap can one value be found twice.
  const seen = new Set<string>();
  const firstTime = (f: Finding): boolean => {
    const key = `${f.ruleId}:${f.line}:${f.column}`;
    return seen.has(key) ? false : (seen.add(key), true);
  };
  const { bytes } = await readBlocks(
    input,
    path,
    where,
    (block, overlapped) => {
      const found = guard.scanBlock(block);
      out.add(overlapped ? found.filter(firstTime) : found);
    },
    sniffBinary,
  );
  out.files++;
  out.bytes += bytes;
}
