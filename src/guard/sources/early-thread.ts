import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

/** Below this many files a folder is scanned on the calling thread: starting threads costs more. */
export const THREAD_MIN_FILES = 256;
/** Folders the probe reads at most: a tree this wide is worth a thread whatever its file count. */
const PROBE_FOLDERS = 64;
/** Never scanned (.git), or nearly always ignored (node_modules): counting them would mislead the guess. */
const PROBE_SKIPS = new Set([".git", "node_modules"]);

/**
 * A scanning thread started before the scan knows its setup: it boots and loads the guard while the
 * calling thread loads its own modules, reads the config and starts the walk, which on a large folder
 * leaves the other core idle for a tenth of the scan. It does not keep the process alive until a scan
 * takes it, and it takes its setup as its first message, like every scanning thread (scan-thread.ts).
 */
export class EarlyThread {
  private alive = true;
  private taken = false;

  constructor(private readonly worker: Worker) {
    worker.unref();
    // A thread that fails before it is taken is replaced by a new one: only its death is noted here.
    const dead = (): void => {
      this.alive = false;
    };
    worker.on("error", dead).on("exit", dead);
  }

  /** The thread, for one scan, unless it died or was taken already; it then keeps the process alive. */
  take(): Worker | undefined {
    if (!this.alive || this.taken) return undefined;
    this.taken = true;
    this.worker.ref();
    return this.worker;
  }

  /** Stops the thread, taken or not (a scan stops those it took; stopping twice is harmless). */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Starts a scanning thread from `script` when the folders look worth threads (see holdsManyFiles), for
 * a folder scan to take (ScanThreads.early). A wrong guess costs a thread started for nothing, or one
 * started late, never a file: the scan still decides on its own walk.
 */
export function startEarlyThread(script: URL, folders: readonly string[]): EarlyThread | undefined {
  return holdsManyFiles(folders) ? new EarlyThread(new Worker(script)) : undefined;
}

/**
 * A quick guess at whether the folders hold THREAD_MIN_FILES files: their entries are counted breadth
 * first, reading at most PROBE_FOLDERS folders, following no link. It does not read .gitignore, so it
 * can guess high; a folder it cannot read ends the guess (the scan itself will say what is wrong).
 */
export function holdsManyFiles(folders: readonly string[]): boolean {
  const queue = [...folders];
  let files = 0;
  for (let read = 0; read < queue.length; read++) {
    if (read === PROBE_FOLDERS) return true;
    let entries;
    try {
      entries = readdirSync(queue[read]!, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const entry of entries) {
      if (entry.isFile()) files++;
      else if (entry.isDirectory() && !PROBE_SKIPS.has(entry.name))
        queue.push(join(queue[read]!, entry.name));
    }
    if (files >= THREAD_MIN_FILES) return true;
  }
  return false;
}
