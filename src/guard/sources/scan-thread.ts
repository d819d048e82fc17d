// A scanning thread (see scan-threads.ts): builds its own guard from the setup it is sent first (a thread
// may start before there is one: early-thread.ts), then scans each batch of files it is sent, one batch at
// a time (scan-batch.ts), and answers with the batch's results. It does not load zod (a third of the
// bundle it would load, and of its start-up): the setup's config was checked by the calling thread, and
// what comes from there is checked here by hand. A setup or request that fails the check throws, which
// ends the thread and with it the scan.
import { parentPort } from "node:worker_threads";
import { BatchScanner } from "./scan-batch.js";
import type { BatchRequest, ThreadSetup } from "./batch-messages.js";

const port = parentPort;
if (!port) throw new Error("scan-thread.js runs as a worker thread only");

function setupOf(data: unknown): ThreadSetup {
  const { root, config, baseline, inlineAllow } = (data ?? {}) as Partial<Record<keyof ThreadSetup, unknown>>;
  if (
    typeof root !== "string" ||
    typeof config !== "object" ||
    config === null ||
    !isStrings(baseline) ||
    typeof inlineAllow !== "boolean"
  )
    throw new Error("scan-thread.js was given a malformed setup");
  return { root, config, baseline, inlineAllow };
}

function requestOf(message: unknown): BatchRequest {
  const { id, paths } = (message ?? {}) as Partial<Record<keyof BatchRequest, unknown>>;
  if (!Number.isInteger(id) || !isStrings(paths))
    throw new Error("scan-thread.js was sent a malformed batch");
  return { id: id as number, paths };
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

let scanner: BatchScanner | undefined;
// Batches run one after the other (see BatchScanner).
let queue = Promise.resolve();
port.on("message", (message: unknown) => {
  if (!scanner) {
    scanner = new BatchScanner(setupOf(message));
    return;
  }
  const request = requestOf(message);
  const batches = scanner;
  queue = queue.then(async () => port.postMessage(await batches.scan(request)));
});
