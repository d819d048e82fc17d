import { Worker } from "node:worker_threads";
import type { Collector } from "../collector.js";
import { ScanError } from "../scan-error.js";
import { BatchResult, type BatchRequest, type ThreadSetup } from "./batch-messages.js";
import { THREAD_MIN_FILES, type EarlyThread } from "./early-thread.js";
import { BatchScanner } from "./scan-batch.js";

/**
 * Scanning a folder on several threads: how many, the calling thread included, the worker script
 * (src/guard/sources/scan-thread.ts) the others run, and one of them started already, if it was.
 */
export interface ScanThreads {
  count: number;
  script: URL;
  early?: EarlyThread | undefined;
}

const BATCH_FILES = 32;
/**
 * Batches handed to a thread ahead of its answers, so it never waits for the next one: this thread hands
 * out batches only between two of its own (2 left the threads idle; see docs/benchmarks.md).
 */
const IN_FLIGHT = 4;

/**
 * Scans the walk's files on `threads.count` threads: this one and `threads.count - 1` worker threads,
 * each with its own guard. On a large tree the rules are nearly all of the time, and they run on one core
 * per thread; this thread scans too, between walking and collecting, rather than sit idle while a further
 * thread starts, and compiles, the same code. Results are collected in walk order, so the report is the
 * same as on one thread. A folder of fewer than THREAD_MIN_FILES files is scanned by `scanHere` instead.
 * A thread that fails or dies fails the scan: nothing is skipped silently.
 */
export async function scanOnThreads(
  files: AsyncIterable<string>,
  setup: ThreadSetup,
  threads: ScanThreads,
  out: Collector,
  scanHere: (files: AsyncIterable<string>) => Promise<void>,
): Promise<void> {
  const iterator = files[Symbol.asyncIterator]();
  const first: string[] = [];
  let walked = false;
  while (first.length < THREAD_MIN_FILES) {
    const next = await iterator.next();
    if (next.done) {
      walked = true;
      break;
    }
    first.push(next.value);
  }
  if (walked || threads.count < 2) {
    return scanHere(
      (async function* () {
        yield* first;
        if (!walked) yield* { [Symbol.asyncIterator]: () => iterator };
      })(),
    );
  }
  const pool = Array.from({ length: threads.count - 1 }, (_, i) => {
    const worker = (i === 0 && threads.early?.take()) || new Worker(threads.script);
    // Every thread takes its setup as its first message: the early one started before there was one.
    worker.postMessage(setup);
    return worker;
  });
  try {
    await runBatches(pool, new BatchScanner(setup), first, iterator, out);
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

async function runBatches(
  pool: Worker[],
  here: BatchScanner,
  first: string[],
  rest: AsyncIterator<string>,
  out: Collector,
): Promise<void> {
  let pending = first;
  let walked = false;
  const nextBatch = async (): Promise<string[] | undefined> => {
    while (!walked && pending.length < BATCH_FILES) {
      const next = await rest.next();
      if (next.done) walked = true;
      else pending.push(next.value);
    }
    if (pending.length === 0) return undefined;
    const batch = pending.slice(0, BATCH_FILES);
    pending = pending.slice(BATCH_FILES);
    return batch;
  };
  // Results wait here until every earlier batch's has come: the report keeps the walk's order.
  const done = new Map<number, BatchResult>();
  let sent = 0;
  let taken = 0;
  const take = (): void => {
    for (let r = done.get(taken); r; r = done.get(taken)) {
      done.delete(taken++);
      if ("error" in r) throw new ScanError(r.error);
      out.files += r.files;
      out.bytes += r.bytes;
      for (const a of r.advisories) out.advise(a);
      for (const s of r.skipped) out.skip(s);
      out.add(r.findings);
    }
  };
  await new Promise<void>((resolve, reject) => {
    let feeding: Promise<unknown> = Promise.resolve();
    let failed = false;
    const fail = (err: unknown): void => {
      failed = true;
      // A ScanError already says what to do (the walk's, or a batch's own); anything else is the thread's.
      reject(
        err instanceof ScanError
          ? err
          : new ScanError(`a scanning thread failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    };
    /**
     * The next batch from the walk, whichever thread asks, one at a time, so batches keep their numbers in
     * order; none once the walk is done (the scan ends when every batch sent has been taken) or failed.
     */
    const request = (): Promise<BatchRequest | undefined> => {
      const next = feeding.then(async () => {
        const paths = failed ? undefined : await nextBatch();
        if (paths === undefined) {
          if (!failed && taken === sent) resolve();
          return undefined;
        }
        return { id: sent++, paths };
      });
      feeding = next.catch(() => undefined);
      return next;
    };
    const feed = (worker: Worker): void => {
      request()
        .then((batch) => batch && worker.postMessage(batch))
        .catch(fail);
    };
    for (const worker of pool) {
      worker.on("message", (message: unknown) => {
        try {
          const parsed = BatchResult.safeParse(message);
          if (!parsed.success)
            throw new ScanError("a scanning thread answered with something other than results");
          const result = parsed.data;
          done.set(result.id, result);
          take();
          feed(worker);
        } catch (err) {
          fail(err);
        }
      });
      worker.on("error", (err) => fail(new ScanError(`a scanning thread failed: ${err.message}`)));
      worker.on("exit", (code) => {
        if (!failed)
          fail(new ScanError(`a scanning thread stopped before the scan ended (exit code ${code})`));
      });
      for (let i = 0; i < IN_FLIGHT; i++) feed(worker);
    }
    // This thread's own share, a batch at a time, letting the threads' answers in between its batches.
    void (async () => {
      for (let batch = await request(); batch; batch = await request()) {
        done.set(batch.id, await here.scan(batch));
        take();
        await new Promise((next) => setImmediate(next));
      }
    })().catch(fail);
  });
}
