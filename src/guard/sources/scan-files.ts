import { stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import type { Collector } from "../collector.js";
import type { Guard } from "../engine.js";
import { ScanError } from "../scan-error.js";
import { readAhead } from "./read-ahead.js";
import { mayRead, scanFile, WALK_SKIPS } from "./scan-file.js";
import type { ThreadSetup } from "./batch-messages.js";
import { scanOnThreads, type ScanThreads } from "./scan-threads.js";
import { walkFiles, type OnWalkSkip } from "./walk-files.js";

/**
 * Scans files and folders. Paths in findings are relative to `cwd` when the target lies inside it, else to
 * the target folder. Folders honour .gitignore; a file named explicitly is always scanned.
 */
export async function scanPaths(
  guard: Guard,
  targets: readonly string[],
  cwd: string,
  out: Collector,
  threads?: { threads: ScanThreads; setup: Omit<ThreadSetup, "root"> },
): Promise<void> {
  for (const target of targets) {
    const abs = resolve(cwd, target);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new ScanError(`cannot read ${target}: no such file or folder`);
    const inside = abs === cwd || abs.startsWith(cwd + sep);
    if (info.isDirectory()) {
      const root = inside ? cwd : abs;
      const onSkip: OnWalkSkip = (path, reason) => out.skip({ path, reason, detail: WALK_SKIPS[reason] });
      const scanHere = async (paths: AsyncIterable<string>): Promise<void> => {
        const files = readAhead(paths, (path) => (mayRead(guard, path) ? join(root, path) : undefined));
        for await (const [path, ahead] of files)
          await scanFile(guard, join(root, path), path, "file", out, ahead);
      };
      const walk = walkFiles(root, abs, onSkip);
      // The threads' guards are built from plain data: a run's own secrets (on the config, unclonable) stay here.
      if (threads && !guard.holdsKnownSecrets)
        await scanOnThreads(walk, { ...threads.setup, root }, threads.threads, out, scanHere);
      else await scanHere(walk);
    } else {
      const path = inside ? relative(cwd, abs).split(sep).join("/") : basename(abs);
      await scanFile(guard, abs, path, "file", out);
    }
  }
}
