import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { Collector } from "../../src/guard/collector.js";
import { GuardConfig } from "../../src/guard/config.js";
import { ScanError } from "../../src/guard/scan-error.js";
import type { ThreadSetup } from "../../src/guard/sources/batch-messages.js";
import { EarlyThread } from "../../src/guard/sources/early-thread.js";
import { scanOnThreads } from "../../src/guard/sources/scan-threads.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";

// What a scanning thread says or does is checked: a thread that answers anything but results, dies, or
// refuses its setup fails the scan, which never reports the folder clean for want of its batches.
const script = (body: string): URL => new URL(`data:text/javascript,${encodeURIComponent(body)}`);
const GARBAGE = script(
  'import { parentPort } from "node:worker_threads"; parentPort.on("message", (m) => m.paths && parentPort.postMessage({ id: m.id, findings: "none" }));',
);
const DIES = script(
  'import { parentPort } from "node:worker_threads"; parentPort.on("message", (m) => m.paths && process.exit(3));',
);
// The built thread script (the suite's global setup builds it).
const THREAD = new URL("../../dist/cli/scan-thread.js", import.meta.url);

function folder(): { root: string; paths: string[] } {
  const root = tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 400; i++) files[`f${i}.ts`] = `export const n${i} = ${i};\n`;
  writeFiles(root, files);
  return { root, paths: Object.keys(files) };
}

async function scanWith(scriptUrl: URL, setupOf: (root: string) => ThreadSetup, early?: EarlyThread) {
  const { root, paths } = folder();
  const out = new Collector();
  // The walk, as scan-files.ts hands it over: an asynchronous stream of paths.
  const walk = (async function* () {
    for (const path of paths) yield await Promise.resolve(path);
  })();
  const scanHere = (): Promise<void> => Promise.reject(new Error("a folder this large must use threads"));
  await scanOnThreads(walk, setupOf(root), { count: 2, script: scriptUrl, early }, out, scanHere);
  return out;
}

const setup = (root: string): ThreadSetup => ({
  root,
  config: GuardConfig.parse({}),
  baseline: [],
  inlineAllow: false,
});

describe("scanning threads fail the scan rather than leave a gap", () => {
  it("scans every file with the built thread script", async () => {
    const out = await scanWith(THREAD, setup);
    expect(out.files).toBe(400);
  });

  it("fails when a thread answers with something other than results", async () => {
    await expect(scanWith(GARBAGE, setup)).rejects.toThrow(
      new ScanError("a scanning thread answered with something other than results"),
    );
  });

  it("fails when a thread dies in the middle of the scan", async () => {
    await expect(scanWith(DIES, setup)).rejects.toThrow(/a scanning thread stopped before the scan ended/);
  });

  it("fails when the thread's own check refuses the setup it is sent first", async () => {
    const bad = (root: string): ThreadSetup => ({ ...setup(root), baseline: [1] as unknown as string[] });
    await expect(scanWith(THREAD, bad)).rejects.toThrow(/scan-thread\.js was given a malformed setup/);
  });

  it("uses a thread started early, which takes the same setup and answers the same way", async () => {
    const early = new EarlyThread(new Worker(THREAD));
    const out = await scanWith(THREAD, setup, early);
    expect(out.files).toBe(400);
    expect(early.take()).toBeUndefined();
    const garbage = new EarlyThread(new Worker(GARBAGE));
    await expect(scanWith(THREAD, setup, garbage)).rejects.toThrow(/something other than results/);
  });
});
