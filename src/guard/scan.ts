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
import { ScanError } from "./scan-error.js";
import { scanPaths, scanStream } from "./sources/scan-files.js";

/** What to scan: one of the guard's five sources. */
export const ScanTarget = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("paths"), paths: z.array(z.string()).min(1) }),
  z.object({ mode: z.literal("git"), range: z.string().min(1) }),
  z.object({ mode: z.literal("staged") }),
  z.object({ mode: z.literal("pack"), dir: z.string().min(1) }),
  z.object({ mode: z.literal("text") }),
]);
export type ScanTarget = z.infer<typeof ScanTarget>;

export interface ScanDeps {
  cwd: string;
  config: GuardConfig;
  baseline?: ReadonlySet<string>;
  /** The text to scan in `text` mode (standard input for the CLI). */
  input?: AsyncIterable<Buffer | string>;
  listPackFiles?: ListPackFiles;
}

/** Runs one scan. Throws ScanError when it could not scan: the caller must then let nothing out. */
export async function scan(target: ScanTarget, deps: ScanDeps): Promise<ScanReport> {
  const guard = new Guard(ALL_RULES, deps.config, deps.baseline);
  const out = new Collector();
  switch (target.mode) {
    case "paths":
      await scanPaths(guard, target.paths, deps.cwd, out);
      break;
    case "git":
      await scanGitRange(guard, deps.cwd, target.range, out);
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
 * A function replacing every value the guard would report with `[redacted rule-id]`. It compiles the
 * rules once: build it once per run and call it for every line (a transcript, a log).
 */
export function createRedactor(config: GuardConfig): (text: string) => string {
  const guard = new Guard(ALL_RULES, config);
  return (text) => guard.redact(text);
}

/** Scans one outbound text (a PR body, a comment) in memory. */
export function scanText(text: string, config: GuardConfig): Finding[] {
  return new Guard(ALL_RULES, config).scanBlock(textBlock(text, "text"));
}
