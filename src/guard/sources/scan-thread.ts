// A scanning thread (see scan-threads.ts): builds its own guard from the setup it is given, then scans
// each batch of files it is sent, one batch at a time, and answers with the batch's results. It does not
// load zod (a third of the bundle it would load, and of its start-up): the setup's config was checked by
// the calling thread, and what comes from there is checked here by hand. A setup or request that fails
// the check throws, which ends the thread and with it the scan.
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { Collector } from "../collector.js";
import type { GuardConfig } from "../config.js";
import { Guard } from "../engine.js";
import { ALL_RULES } from "../rules/index.js";
import { ScanError } from "../scan-error.js";
import { READ_AHEAD_BYTES, readSmallFileSync } from "./read-ahead.js";
import { mayRead, scanFile } from "./scan-file.js";
import type { BatchRequest, BatchResult, ThreadSetup } from "./scan-threads.js";

const port = parentPort;
if (!port) throw new Error("scan-thread.js runs as a worker thread only");
const setup = setupOf(workerData);
let out = new Collector();
const guard = new Guard(ALL_RULES, setup.config as GuardConfig, {
  baseline: new Set(setup.baseline),
  inlineAllow: setup.inlineAllow,
  onAdvisory: (finding) => out.advise(finding),
});

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

// Every file read ahead is scanned before the next is read: one buffer serves them all.
const readBuffer = Buffer.allocUnsafe(READ_AHEAD_BYTES + 1);

async function scanBatch({ id, paths }: BatchRequest): Promise<BatchResult> {
  out = new Collector();
  try {
    for (const path of paths) {
      const abs = join(setup.root, path);
      const ahead = mayRead(guard, path) ? readSmallFileSync(abs, readBuffer) : undefined;
      // Only a file too large to read ahead is streamed: the others are scanned without a promise.
      const streamed = scanFile(guard, abs, path, "file", out, ahead);
      if (streamed) await streamed;
    }
  } catch (err) {
    // The same words the calling thread would have had: the scan stops there, as it would on one thread.
    return { id, error: err instanceof ScanError ? err.message : `${String(err)}` };
  }
  const { findings, advisories, skipped, files, bytes } = out;
  return { id, findings, advisories, skipped, files, bytes };
}

// Batches run one after the other: the guard tells advisories to the current batch's collector.
let queue = Promise.resolve();
port.on("message", (message: unknown) => {
  const request = requestOf(message);
  queue = queue.then(async () => port.postMessage(await scanBatch(request)));
});
