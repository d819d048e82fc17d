import { realpathSync } from "node:fs";
import type { ToolContext } from "../../src/tools/tool-types.js";
import { unconfinedSandbox } from "../../src/workspace/sandbox/open-sandbox.js";
import type { NoSandbox } from "../../src/workspace/sandbox/sandbox.js";
import { scrubbedEnv } from "../../src/workspace/sandbox/scrubbed-env.js";
import { tempDir } from "./temp-repo.js";

/** For tests whose tools run no command: a command there would be refused, as without a sandbox. */
export const NO_COMMANDS: NoSandbox = { kind: "unavailable", reason: "this test runs no command." };

/**
 * A tool context on `root` as a run would build it: scrubbed environment, scratch folder, 10 s per
 * command. Commands run unconfined: tests of the sandbox itself build their own (helpers/sandboxes.ts).
 */
export function testToolContext(root: string, overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    root: realpathSync(root),
    env: scrubbedEnv(process.env, tempDir("pw-home-")),
    scratchDir: tempDir("pw-scratch-"),
    signal: new AbortController().signal,
    commandTimeoutMs: 10_000,
    sandbox: unconfinedSandbox({ root }),
    ...overrides,
  };
}
