import type { EarlyThread } from "../guard/sources/early-thread.js";
import type { ScanOptions } from "./scan-options.js";

/** What the CLI touches of the outside world, injected so tests run it in-process. */
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  stdin: AsyncIterable<Buffer | string>;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Milliseconds, for the scan's progress line (default: performance.now). */
  now?: () => number;
  /**
   * Tunes the process's V8 for a folder scan (see scan-tiering.ts), right before the scan starts. Only
   * the CLI's own process passes it: V8's flags are the whole process's.
   */
  tuneForScan?: () => Promise<unknown>;
  /**
   * Starts a scanning thread for a folder scan while the command loads (see startScanThreadEarly). Only
   * the CLI's own process passes it; without it, a scan starts its threads once its walk finds them worth it.
   */
  startScanThread?: (paths: readonly string[], opts: ScanOptions) => EarlyThread | undefined;
}
