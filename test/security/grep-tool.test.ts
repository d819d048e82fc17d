import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { runTool } from "../../src/tools/define-tool.js";
import { readRegularFile } from "../../src/tools/search-files.js";
import { createGlobTool, createGrepTool, type GrepToolOptions } from "../../src/tools/search.js";
import type { ToolContext } from "../../src/tools/tool-types.js";
import { findOnPath } from "../../src/workspace/sandbox/find-on-path.js";
import { git, tempDir, writeFiles } from "../helpers/temp-repo.js";
import { NO_COMMANDS } from "../helpers/tool-context.js";

// Attacks on the grep and glob tools, which run in the harness's own process (the JavaScript search)
// or spawn ripgrep as the harness, outside the sandbox. Each runs without ripgrep and, where ripgrep
// is involved, with it: CI must have it; elsewhere its variant is skipped when `rg` is missing.
const RG_MISSING = findOnPath("rg") === undefined && process.env.CI !== "true";
const RG_TITLE = RG_MISSING ? "ripgrep (skipped: rg is not on PATH and CI is not true)" : "ripgrep";

function repo(files: Record<string, string | Buffer> = {}): string {
  const root = realpathSync(tempDir("pw-grep-sec-"));
  git(root, ["init", "-q"]);
  writeFiles(root, files);
  return root;
}

function context(root: string, overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    root,
    env: { PATH: process.env.PATH ?? "" },
    scratchDir: join(root, ".scratch"),
    signal: new AbortController().signal,
    commandTimeoutMs: 60_000,
    sandbox: NO_COMMANDS,
    ...overrides,
  };
}

function mkfifo(path: string): void {
  execFileSync("mkfifo", [path]);
}

/** A shell script that leaves `marker` behind if anything ever runs it (as ripgrep's --pre would). */
function tripwire(dir: string, marker: string): string {
  const script = join(dir, "pre.sh");
  writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\ncat "$1"\n`);
  chmodSync(script, 0o755);
  return script;
}

/**
 * Runs `work` and tells how many turns the event loop made meanwhile (a setImmediate chain: it ticks
 * once per turn, so any work that waits on I/O lets it tick) and the longest the loop was held.
 */
async function watchLoop<T>(
  work: () => Promise<T>,
): Promise<{ value: T; ticks: number; maxDelayMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let ticks = 0;
  let running = true;
  const tick = (): void => {
    ticks++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  delay.enable();
  try {
    const value = await work();
    return { value, ticks, maxDelayMs: delay.max / 1e6 };
  } finally {
    running = false;
    delay.disable();
  }
}

const variants: [string, GrepToolOptions, boolean][] = [
  ["without ripgrep", { ripgrep: false }, false],
  [RG_TITLE, { ripgrep: "auto" }, RG_MISSING],
];

describe.each(variants)("grep %s", (_name, options, skip) => {
  const grep = createGrepTool(options);

  it.runIf(options.ripgrep !== false && !skip)(
    "has ripgrep to test (else this variant tests the fallback)",
    () => {
      expect(findOnPath("rg"), "install ripgrep: CI needs it for these tests").toBeDefined();
    },
  );

  it.skipIf(skip)(
    "finishes a catastrophic-backtracking pattern without blocking the event loop",
    async () => {
      // `(a+)+$` over a long run of a's that ends in b: `new RegExp` backtracks exponentially (98 s seen).
      const line = `${"a".repeat(5_000)}b\n`;
      const root = repo({ "big.txt": line.repeat(200), "tail.txt": "aaaa\n" });
      const { value, ticks, maxDelayMs } = await watchLoop(() =>
        runTool(grep, { pattern: "(a+)+$" }, context(root)),
      );
      expect(value).toEqual({ isError: false, content: "tail.txt:1:aaaa" });
      expect(ticks).toBeGreaterThan(0);
      expect(maxDelayMs).toBeLessThan(5_000);
    },
  );

  it.skipIf(skip)("does not follow symbolic links out of the tree", async () => {
    const outside = tempDir("pw-outside-");
    writeFileSync(join(outside, "secret.txt"), "TOPSECRET\n");
    const root = repo({ "a.txt": "nothing here\n" });
    symlinkSync(outside, join(root, "linked-dir"));
    symlinkSync(join(outside, "secret.txt"), join(root, "linked-file.txt"));
    symlinkSync("/", join(root, "slash"));
    symlinkSync("/proc/self/environ", join(root, "environ.txt"));
    const ctx = context(root);
    expect(await runTool(grep, { pattern: "TOPSECRET" }, ctx)).toEqual({
      isError: false,
      content: "No matches.",
    });
    expect(await runTool(grep, { pattern: "PATH=" }, ctx)).toEqual({
      isError: false,
      content: "No matches.",
    });
    const named = await runTool(grep, { pattern: "TOPSECRET", path: "linked-dir" }, ctx);
    expect(named).toEqual({ isError: true, content: expect.stringContaining("outside the repository") });
  });

  it.skipIf(skip)("skips FIFOs instead of hanging on them", async () => {
    const root = repo({ "a.txt": "needle\n" });
    mkfifo(join(root, "pipe.txt"));
    const ctx = context(root);
    expect(await runTool(grep, { pattern: "needle" }, ctx)).toEqual({
      isError: false,
      content: "a.txt:1:needle",
    });
    const named = await runTool(grep, { pattern: "needle", path: "pipe.txt" }, ctx);
    expect(named).toEqual({ isError: true, content: expect.stringContaining("not a file or a folder") });
  });

  it.skipIf(skip)("ends the call when a FIFO named .gitignore would block the search", async () => {
    const root = repo({ "a.txt": "needle\n" });
    mkfifo(join(root, ".gitignore"));
    // ripgrep blocks opening it: the call's own limit (here 1.5 s) kills it. The built-in walk never
    // waits: it opens without blocking and reads regular files only.
    const result = await runTool(grep, { pattern: "needle" }, context(root, { commandTimeoutMs: 1_500 }));
    expect(result.isError).toBe(false);
    expect(result.content).toMatch(/^a\.txt:1:needle$|\[stopped after \d+ s/);
  });

  it.skipIf(skip)("never reads a pattern, a glob or a path as a ripgrep flag", async () => {
    const root = repo();
    const marker = join(tempDir("pw-marker-"), "ran");
    const pre = tripwire(root, marker);
    writeFiles(root, { "notes.txt": `see --pre=${pre}\n` });
    const ctx = context(root);
    const asPattern = await runTool(grep, { pattern: `--pre=${pre}` }, ctx);
    expect(asPattern).toEqual({ isError: false, content: `notes.txt:1:see --pre=${pre}` });
    expect((await runTool(grep, { pattern: "see", glob: `--pre=${pre}` }, ctx)).content).toBe("No matches.");
    const asPath = await runTool(grep, { pattern: "see", path: `--pre=${pre}` }, ctx);
    expect(asPath).toEqual({ isError: true, content: expect.stringContaining("does not exist") });
    expect(existsSync(marker)).toBe(false);
  });

  describe("with RIPGREP_CONFIG_PATH set", () => {
    const saved = process.env.RIPGREP_CONFIG_PATH;
    afterEach(() => {
      if (saved === undefined) delete process.env.RIPGREP_CONFIG_PATH;
      else process.env.RIPGREP_CONFIG_PATH = saved;
    });

    it.skipIf(skip)("ignores a config file that adds --pre", async () => {
      const root = repo({ "a.txt": "needle\n" });
      const dir = tempDir("pw-rgconfig-");
      const marker = join(dir, "ran");
      const config = join(dir, "ripgreprc");
      writeFileSync(config, `--pre=${tripwire(dir, marker)}\n--search-zip\n`);
      process.env.RIPGREP_CONFIG_PATH = config;
      const ctx = context(root, { env: { PATH: process.env.PATH ?? "", RIPGREP_CONFIG_PATH: config } });
      expect(await runTool(grep, { pattern: "needle" }, ctx)).toEqual({
        isError: false,
        content: "a.txt:1:needle",
      });
      expect(existsSync(marker)).toBe(false);
    });
  });

  it.skipIf(skip)("stops when the run's signal aborts", async () => {
    const root = repo(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}.txt`, "needle\n"])));
    // For ripgrep, a FIFO .gitignore keeps it running until it is killed.
    mkfifo(join(root, ".gitignore"));
    const controller = new AbortController();
    const ctx = context(root, { signal: controller.signal });
    setImmediate(() => controller.abort());
    // tool.run, not runTool: runTool answers at once on abort, this checks the tool itself stops.
    const result = await grep.run({ pattern: "needle" }, ctx);
    expect(result).toEqual({ isError: true, content: "The grep call was cancelled." });
  });

  it.skipIf(skip)("caps the bytes read per file", async () => {
    const root = repo({ "big.txt": `${"x".repeat(2_000)}\nneedle\n`, "small.txt": "needle\n" });
    const capped = createGrepTool({ ...options, limits: { maxFileBytes: 1_000 } });
    expect(await runTool(capped, { pattern: "needle" }, context(root))).toEqual({
      isError: false,
      content: "small.txt:1:needle",
    });
  });

  it.skipIf(skip)("does not run a ripgrep shipped inside the repository", async () => {
    const root = repo({ "a.txt": "needle\n" });
    const marker = join(tempDir("pw-marker-"), "ran");
    mkdirSync(join(root, "bin"));
    writeFileSync(join(root, "bin", "rg"), `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(join(root, "bin", "rg"), 0o755);
    const ctx = context(root, { env: { PATH: `${join(root, "bin")}:${process.env.PATH ?? ""}` } });
    expect(await runTool(grep, { pattern: "needle" }, ctx)).toEqual({
      isError: false,
      content: "a.txt:1:needle",
    });
    expect(existsSync(marker)).toBe(false);
  });
});

describe("grep without ripgrep", () => {
  const grep = createGrepTool({ ripgrep: false });

  it("refuses look-around and backreferences, saying the syntax is RE2's", async () => {
    const root = repo({ "a.txt": "abab\n" });
    for (const pattern of ["(ab)\\1", "a(?=b)"]) {
      const result = await runTool(grep, { pattern }, context(root));
      expect(result.isError).toBe(true);
      expect(result.content).toContain("Invalid regular expression");
      expect(result.content).toContain("RE2 syntax");
    }
    expect(grep.spec).toMatchObject({ description: expect.stringContaining("no look-around") });
  });

  it("refuses a pattern too expensive even for RE2 instead of holding the event loop", async () => {
    // Linear is text × program size: this 16-character pattern takes seconds over one 64 KB line.
    let line = "";
    for (let i = 0, x = 12345; i < 65_536; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      line += (x >> 16) & 1 ? "a" : "b";
    }
    const root = repo({ "ab.txt": `${line}c\n` });
    const tight = createGrepTool({ ripgrep: false, limits: { sliceTimeoutMs: 50 } });
    const { value, maxDelayMs } = await watchLoop(() =>
      runTool(tight, { pattern: "[ab]*a[ab]{900}c" }, context(root)),
    );
    expect(value).toEqual({ isError: true, content: expect.stringContaining("too expensive") });
    expect(maxDelayMs).toBeLessThan(5_000);
  });

  it("matches its glob option in linear time", async () => {
    const root = repo({ [`${"a".repeat(250)}.txt`]: "needle\n", "src/aaaab": "needle\n" });
    const { value, ticks } = await watchLoop(() =>
      runTool(grep, { pattern: "needle", glob: "*a*a*a*a*b" }, context(root)),
    );
    expect(value).toEqual({ isError: false, content: "src/aaaab:1:needle" });
    expect(ticks).toBeGreaterThan(0);
  });

  it("caps the files and folders walked", async () => {
    const root = repo(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}.txt`, "needle\n"])));
    const capped = createGrepTool({ ripgrep: false, limits: { maxEntries: 10 } });
    const result = await runTool(capped, { pattern: "needle" }, context(root));
    expect(result.content).toContain("[stopped after looking at 10 files and folders");
    expect(result.content.split("\n").filter((l) => l.endsWith(":needle")).length).toBeLessThan(10);
  });

  it("never reads through a link, even one swapped in after the walk listed the file", async () => {
    const outside = tempDir("pw-outside-");
    writeFileSync(join(outside, "secret.txt"), "TOPSECRET\n");
    const root = repo();
    symlinkSync(join(outside, "secret.txt"), join(root, "swapped.txt"));
    symlinkSync("/proc/self/environ", join(root, "environ.txt"));
    expect(await readRegularFile(root, join(root, "swapped.txt"), 1_000)).toBe("not-a-file");
    expect(await readRegularFile(root, join(root, "environ.txt"), 1_000)).toBe("not-a-file");
    // A folder on the way swapped for a link: what was opened is checked against the root.
    // (Only where /proc/self/fd tells what was opened.)
    const swapped = existsSync("/proc/self/fd")
      ? await readRegularFile(root, join(outside, "secret.txt"), 1_000)
      : "not-a-file";
    expect(swapped).toBe("not-a-file");
  });
});

describe("glob", () => {
  const glob = createGlobTool();

  it("matches a backtracking-prone glob in linear time without blocking the event loop", async () => {
    // picomatch turns `*a*a*a*b` into a regex that backtracks for minutes over a 250-character name.
    const root = repo({ ["a".repeat(250)]: "x\n", aaaab: "x\n" });
    const { value, ticks, maxDelayMs } = await watchLoop(() =>
      runTool(glob, { pattern: "*a*a*a*a*b" }, context(root)),
    );
    expect(value).toEqual({ isError: false, content: "aaaab" });
    expect(ticks).toBeGreaterThan(0);
    expect(maxDelayMs).toBeLessThan(5_000);
  });

  it("does not follow symbolic links out of the tree", async () => {
    const outside = tempDir("pw-outside-");
    writeFileSync(join(outside, "secret.txt"), "TOPSECRET\n");
    const root = repo({ "a.txt": "x\n" });
    symlinkSync(outside, join(root, "linked-dir"));
    symlinkSync("/", join(root, "slash"));
    expect(await runTool(glob, { pattern: "**" }, context(root))).toEqual({
      isError: false,
      content: "a.txt",
    });
  });

  it("skips FIFOs, also one named .gitignore", async () => {
    const root = repo({ "a.txt": "x\n" });
    mkfifo(join(root, "pipe.txt"));
    mkfifo(join(root, ".gitignore"));
    expect(await runTool(glob, { pattern: "*.txt" }, context(root))).toEqual({
      isError: false,
      content: "a.txt",
    });
  });

  it("caps the files and folders walked", async () => {
    const root = repo(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}.txt`, "x\n"])));
    const capped = createGlobTool({ limits: { maxEntries: 10 } });
    const result = await runTool(capped, { pattern: "*.txt" }, context(root));
    expect(result.content).toContain("[stopped after looking at 10 files and folders");
  });
});
