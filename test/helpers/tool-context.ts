import { realpathSync } from "node:fs";
import { scrubbedEnv } from "../../src/tools/bash.js";
import type { ToolContext } from "../../src/tools/tool-types.js";
import { tempDir } from "./temp-repo.js";

/** A tool context on `root` as a run would build it: scrubbed environment, scratch folder, 10 s per command. */
export function testToolContext(root: string): ToolContext {
  return {
    root: realpathSync(root),
    env: scrubbedEnv(process.env),
    scratchDir: tempDir("pw-scratch-"),
    signal: new AbortController().signal,
    commandTimeoutMs: 10_000,
    allowNetwork: false,
  };
}
