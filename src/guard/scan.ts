import { resolve } from "node:path";
import { z } from "zod";
import { textBlock } from "./block.js";
import { Collector } from "./collector.js";
import type { GuardConfig } from "./config.js";
import { Guard } from "./engine.js";
import type { Finding, ScanReport } from "./finding.js";
import { ALL_RULES } from "./rules/index.js";
import { scanGitRange, scanStaged } from "./sources/scan-git.js";
import { scanPack, type ListPackFiles } from "./sources/scan-pack.js";
import { scanPushedObjects } from "./sources/scan-push.js";
import { ScanError } from "./scan-error.js";
import { scanStream } from "./sources/scan-file.js";
import { scanPaths } from "./sources/scan-files.js";
import type { ScanThreads } from "./sources/scan-threads.js";

/** What to scan: one of the guard's six sources. */
export const ScanTarget = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("paths"), paths: z.array(z.string()).min(1) }),
  /** `exclude`: more revisions whose history is left out (`range ^rev…`), e.g. the other remote branches. */
  z.object({
    mode: z.literal("git"),
    range: z.string().min(1),
    exclude: z.array(z.string().min(1)).optional(),
  }),
  /** What pushing `tip` to `branch` sends beyond `base`, object by object (see scan-push.ts). */
  z.object({ mode: z.literal("push"), tip: z.string(), base: z.string(), branch: z.string() }),
  z.object({ mode: z.literal("staged") }),
  z.object({ mode: z.literal("pack"), dir: z.string().min(1) }),
  z.object({ mode: z.literal("text") }),
]);
export type ScanTarget = z.infer<typeof ScanTarget>;

export interface ScanDeps {
  cwd: string;
  /** The settings; a config made with withKnownSecrets also finds the run's own secrets by value. */
  config: GuardConfig;
  baseline?: ReadonlySet<string> | undefined;
  /**
   * Honour inline `patchwright:allow` markers: only for a scan a person asked for (the `patchwright scan`
   * command, the Action's guard check), never for what the agent wrote. In a scan of commits a marker
   * counts only on a line that was already on the base side: a line added in the range cannot allow itself.
   */
  inlineAllow?: boolean;
  /** The text to scan in `text` mode (standard input for the CLI). */
  input?: AsyncIterable<Buffer | string>;
  listPackFiles?: ListPackFiles;
  /**
   * Scan a large folder on this many threads, with this worker script (scan-thread.js, located by the
   * caller: a bundled CLI is not where the guard's modules are). Without it, everything runs here.
   */
  threads?: ScanThreads | undefined;
  /** Hears the files and bytes scanned so far, as the scan goes (for a progress line). */
  onProgress?: (files: number, bytes: number) => void;
}

/** Runs one scan. Throws ScanError when it could not scan: the caller must then let nothing out. */
export async function scan(target: ScanTarget, deps: ScanDeps): Promise<ScanReport> {
  const out = new Collector(deps.onProgress);
  const guard = new Guard(ALL_RULES, deps.config, {
    ...(deps.baseline ? { baseline: deps.baseline } : {}),
    inlineAllow: deps.inlineAllow === true,
    onAdvisory: (finding) => out.advise(finding),
  });
  switch (target.mode) {
    case "paths":
      await scanPaths(
        guard,
        target.paths,
        deps.cwd,
        out,
        deps.threads && {
          threads: deps.threads,
          setup: {
            config: deps.config,
            baseline: [...(deps.baseline ?? [])],
            inlineAllow: deps.inlineAllow === true,
          },
        },
      );
      break;
    case "git":
      await scanGitRange(guard, deps.cwd, target.range, out, target.exclude);
      break;
    case "push":
      await scanPushedObjects(guard, deps.cwd, target, out);
      break;
    case "staged":
      await scanStaged(guard, deps.cwd, out);
      break;
    case "pack":
      await scanPack(guard, resolve(deps.cwd, target.dir), out, deps.listPackFiles);
      break;
    case "text":
      if (!deps.input) throw new ScanError("no text was given to scan");
      await scanStream(guard, deps.input, "", "text", out, false);
      break;
  }
  return out.report();
}

/**
 * A function replacing every value the guard would report with `[redacted rule-id]`, and every known
 * secret the config carries, in any of its encodings. It compiles the rules once: build it once per run
 * and call it for every line (a transcript, a log).
 */
export function createRedactor(config: GuardConfig): (text: string) => string {
  const guard = plainGuard(config);
  return (text) => guard.redact(text);
}

/**
 * Scans one outbound text (a PR body, a comment, a memory note) in memory. Inline allow markers are not
 * honoured: these texts are written by the agent, and `[](patchwright:allow)` does not even render.
 */
export function scanText(text: string, config: GuardConfig): Finding[] {
  return plainGuard(config).scanBlock(textBlock(text, "text"));
}

// A run checks every comment, edit and log line with its one config: compiling the rules (their path
// globs, their patterns) for each text was most of a no-op run's guard time. A Guard keeps no state
// between calls and a config is not changed once made, so one per config object is shared.
const plainGuards = new WeakMap<GuardConfig, Guard>();

function plainGuard(config: GuardConfig): Guard {
  let guard = plainGuards.get(config);
  if (!guard) plainGuards.set(config, (guard = new Guard(ALL_RULES, config)));
  return guard;
}
