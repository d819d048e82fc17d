import { join } from "node:path";
import { Collector } from "../collector.js";
import type { GuardConfig } from "../config.js";
import { Guard } from "../engine.js";
import { ALL_RULES } from "../rules/index.js";
import { ScanError } from "../scan-error.js";
import { readSmallFileSync } from "./read-ahead.js";
import { CHUNK_BYTES } from "./read-blocks.js";
import { mayRead, scanFile } from "./scan-file.js";
import type { BatchRequest, BatchResult, ThreadSetup } from "./batch-messages.js";

/**
 * Scans batches of a folder's files, one batch at a time, each into a result of its own: what a scanning
 * thread runs, and the calling thread too while the threads scan (see scan-threads.ts). It does not load
 * zod: a scanning thread would load it for nothing (see scan-thread.ts).
 */
export class BatchScanner {
  private out = new Collector();
  private readonly guard: Guard;
  // Every file is scanned before the next is read: one buffer serves them all, as large as a block, so
  // only a file of more than one block is streamed. Its pages are touched only as files fill them.
  private readonly readBuffer = Buffer.allocUnsafe(CHUNK_BYTES + 1);
  /**
   * Each path as it is opened: relative to the working folder when the root is that folder (`scan .`),
   * which spares the kernel looking up the root's own folders again for every file.
   */
  private readonly opened: (path: string) => string;

  constructor(private readonly setup: ThreadSetup) {
    const { root } = setup;
    this.opened = root === process.cwd() ? (path) => path : (path) => join(root, path);
    this.guard = new Guard(ALL_RULES, setup.config as GuardConfig, {
      baseline: new Set(setup.baseline),
      inlineAllow: setup.inlineAllow,
      // The guard tells advisories to the current batch's collector: batches must not overlap.
      onAdvisory: (finding) => this.out.advise(finding),
    });
  }

  async scan({ id, paths }: BatchRequest): Promise<BatchResult> {
    const out = (this.out = new Collector());
    const { guard, readBuffer } = this;
    try {
      for (const path of paths) {
        const abs = this.opened(path);
        // Reading blocks this thread, which has nothing else to do meanwhile; callbacks cost more.
        const ahead = mayRead(guard, path) ? readSmallFileSync(abs, readBuffer) : undefined;
        // Only a file too large to read ahead is streamed: the others are scanned without a promise.
        const streamed = scanFile(guard, abs, path, "file", out, ahead);
        if (streamed) await streamed;
      }
    } catch (err) {
      // The same words a scan on one thread would have had: the scan stops there.
      return { id, error: err instanceof ScanError ? err.message : `${String(err)}` };
    }
    const { findings, advisories, skipped, files, bytes } = out;
    return { id, findings, advisories, skipped, files, bytes };
  }
}
