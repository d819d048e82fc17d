import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { EarlyThread, holdsManyFiles, THREAD_MIN_FILES } from "../../src/guard/sources/early-thread.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";

const files = (n: number, under: string): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${under}/f${i}.txt`, "x\n"]));

/** A thread that echoes what it is sent, or one that dies as it starts. */
const ECHO = new URL(
  `data:text/javascript,${encodeURIComponent(
    'import { parentPort } from "node:worker_threads"; parentPort.on("message", (m) => parentPort.postMessage(m));',
  )}`,
);
const DIES = new URL(`data:text/javascript,${encodeURIComponent('throw new Error("no");')}`);

describe("holdsManyFiles, the guess that starts a thread early", () => {
  it("says yes from the threads' own threshold of files on, across folders, and no below it", () => {
    const few = tempDir();
    writeFiles(few, { ...files(THREAD_MIN_FILES / 2, "a"), ...files(THREAD_MIN_FILES / 2 - 1, "b/c") });
    expect(holdsManyFiles([few])).toBe(false);
    writeFiles(few, files(1, "d"));
    expect(holdsManyFiles([few])).toBe(true);
    // Two folders named on the command line count together.
    const other = tempDir();
    writeFiles(other, files(THREAD_MIN_FILES / 2, "x"));
    expect(holdsManyFiles([join(few, "a"), other])).toBe(true);
  });

  it("does not count .git, node_modules, or what a link leads to", () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    writeFiles(dir, {
      ...files(THREAD_MIN_FILES, ".git/objects"),
      ...files(THREAD_MIN_FILES, "node_modules/p"),
    });
    writeFiles(elsewhere, files(THREAD_MIN_FILES, "big"));
    symlinkSync(join(elsewhere, "big"), join(dir, "linked"));
    expect(holdsManyFiles([dir])).toBe(false);
  });

  it("stops reading at 64 folders and takes a tree that wide as large", () => {
    const dir = tempDir();
    for (let i = 0; i < 70; i++) mkdirSync(join(dir, `d${i}`));
    expect(holdsManyFiles([dir])).toBe(true);
    const narrow = tempDir();
    for (let i = 0; i < 60; i++) mkdirSync(join(narrow, `d${i}`));
    expect(holdsManyFiles([narrow])).toBe(false);
  });

  it("says no for a file, a missing folder and an empty one", () => {
    const dir = tempDir();
    writeFiles(dir, { "a.txt": "x\n" });
    expect(holdsManyFiles([join(dir, "a.txt")])).toBe(false);
    expect(holdsManyFiles([join(dir, "missing")])).toBe(false);
    expect(holdsManyFiles([tempDir()])).toBe(false);
  });
});

describe("EarlyThread", () => {
  it("is taken by one scan only, and answers the messages it is sent", async () => {
    const early = new EarlyThread(new Worker(ECHO));
    const worker = early.take();
    expect(worker).toBeDefined();
    expect(early.take()).toBeUndefined();
    const answer = new Promise((resolve) => worker!.once("message", resolve));
    worker!.postMessage({ id: 1 });
    expect(await answer).toEqual({ id: 1 });
    await early.stop();
    await early.stop();
  });

  it("is not handed out once it has died, so the scan starts a thread of its own", async () => {
    const worker = new Worker(DIES);
    const early = new EarlyThread(worker);
    await new Promise((resolve) => worker.once("exit", resolve));
    expect(early.take()).toBeUndefined();
  });
});
