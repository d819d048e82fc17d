import { close, closeSync, constants, fstat, fstatSync, open, openSync, read, readSync } from "node:fs";

/** Files up to this size are read ahead whole; larger ones are streamed when their turn comes. */
export const READ_AHEAD_BYTES = 256 * 1024;
/**
 * Reads in flight at once: enough to keep libuv's threads and the disk busy while the main thread runs
 * the rules, and at most READ_AHEAD_BYTES each, so memory stays bounded whatever the tree.
 */
const DEPTH = 32;

/** A file read ahead: its bytes, `stream` (too large to hold: read it in chunks), or `special`. */
export type Ahead =
  | { kind: "bytes"; bytes: Buffer }
  | { kind: "stream" }
  | { kind: "special" }
  | { kind: "error"; error: NodeJS.ErrnoException };

/**
 * Yields each item with its file read ahead, in the items' order, keeping up to DEPTH reads in flight.
 * Each read opens, checks and closes its own file, so the reads still in flight when the consumer stops
 * early finish on their own; a failed read is yielded as an error for the consumer to word.
 */
export async function* readAhead<T>(
  items: AsyncIterable<T> | Iterable<T>,
  absPathOf: (item: T) => string | undefined,
): AsyncGenerator<[T, Ahead | undefined]> {
  const window: [T, Promise<Ahead> | undefined][] = [];
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  let done = false;
  const fill = async (): Promise<void> => {
    while (!done && window.length < DEPTH) {
      const next = await iterator.next();
      if (next.done) done = true;
      else {
        const abs = absPathOf(next.value);
        window.push([next.value, abs === undefined ? undefined : readSmallFile(abs)]);
      }
    }
  };
  for (await fill(); window.length > 0; await fill()) {
    const [item, read] = window.shift()!;
    yield [item, await read];
  }
}

/**
 * One regular file's bytes when it is small: open, fstat, read, close, and nothing more. Callbacks on a
 * bare descriptor, not FileHandle promises: thousands of small files made those objects a large share of
 * a scan's time and garbage.
 */
function readSmallFile(abs: string): Promise<Ahead> {
  return new Promise((resolve) => {
    // O_NONBLOCK: a FIFO swapped in for a listed file must not block the scan; fstat then refuses it.
    open(abs, constants.O_RDONLY | constants.O_NONBLOCK, (openError, fd) => {
      if (openError) return resolve({ kind: "error", error: openError });
      const finish = (result: Ahead): void => close(fd, () => resolve(result));
      fstat(fd, (statError, info) => {
        if (statError) return finish({ kind: "error", error: statError });
        if (!info.isFile()) return finish({ kind: "special" });
        if (info.size > READ_AHEAD_BYTES) return finish({ kind: "stream" });
        // One byte more than the size: a file that grew since is streamed, so nothing is cut off.
        const buffer = Buffer.allocUnsafe(info.size + 1);
        const readFrom = (filled: number): void =>
          read(fd, buffer, filled, buffer.length - filled, filled, (readError, n) => {
            if (readError) return finish({ kind: "error", error: readError });
            const total = filled + n;
            if (n > 0 && total < buffer.length) return readFrom(total);
            finish(
              total > info.size ? { kind: "stream" } : { kind: "bytes", bytes: buffer.subarray(0, total) },
            );
          });
        readFrom(0);
      });
    });
  });
}

/**
 * readSmallFile on the calling thread, blocking it, into `into` (reused from file to file: the caller must
 * be done with the bytes before its next read; a file that fills it is left to be streamed). For a
 * scanning thread, which has nothing else to do, and for which callbacks cost more than the reads. A
 * regular file is opened, read and closed: only a read that fails, comes back empty or fills the buffer
 * asks fstat what the file is (a FIFO, a device, one too large to hold), one system call fewer for nearly
 * every file.
 */
export function readSmallFileSync(abs: string, into: Buffer): Ahead {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { kind: "error", error: error as NodeJS.ErrnoException };
  }
  try {
    let total = 0;
    try {
      for (let n = 1; n > 0 && total < into.length; total += n)
        n = readSync(fd, into, total, into.length - total, total);
    } catch (error) {
      // A FIFO with nothing in it (EAGAIN) or a folder (EISDIR) swapped in since the walk is not an error.
      return fstatSync(fd).isFile() ? { kind: "error", error: error as NodeJS.ErrnoException } : SPECIAL;
    }
    if (total > 0 && total < into.length) return { kind: "bytes", bytes: into.subarray(0, total) };
    if (!fstatSync(fd).isFile()) return SPECIAL;
    return total === 0 ? { kind: "bytes", bytes: into.subarray(0, 0) } : { kind: "stream" };
  } catch (error) {
    return { kind: "error", error: error as NodeJS.ErrnoException };
  } finally {
    closeSync(fd);
  }
}

const SPECIAL: Ahead = { kind: "special" };
