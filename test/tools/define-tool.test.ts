import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, runTool, truncateMiddle } from "../../src/tools/define-tool.js";
import type { ToolContext } from "../../src/tools/tool-types.js";
import { NO_COMMANDS } from "../helpers/tool-context.js";

function context(signal = new AbortController().signal): ToolContext {
  const root = mkdtempSync(join(tmpdir(), "pw-define-"));
  return {
    root,
    env: {},
    scratchDir: join(root, ".scratch"),
    signal,
    commandTimeoutMs: 5_000,
    sandbox: NO_COMMANDS,
  };
}

const echo = defineTool({
  name: "echo",
  kind: "read",
  spec: { kind: "custom", name: "echo", description: "echo", inputSchema: {} },
  input: z.object({ text: z.string(), times: z.number().int().optional() }),
  subject: (input) => input.text,
  run: (input) => {
    if (input.text === "throw") throw new Error("it broke");
    if (input.text === "hang") return new Promise(() => {});
    return Promise.resolve({ isError: false, content: input.text.repeat(input.times ?? 1) });
  },
});

describe("runTool", () => {
  it("names the bad field for the model", async () => {
    const result = await runTool(echo, { text: 5 }, context());
    expect(result.isError).toBe(true);
    expect(result.content).toContain("`text`");
    expect(result.content).toContain("Invalid input for echo");
  });

  it("turns a throw into an error result without a stack", async () => {
    const result = await runTool(echo, { text: "throw" }, context());
    expect(result).toEqual({ isError: true, content: "echo failed: it broke" });
  });

  it("honours the abort signal, before and during the run", async () => {
    const before = new AbortController();
    before.abort();
    expect((await runTool(echo, { text: "x" }, context(before.signal))).content).toMatch(/cancelled before/);
    const during = new AbortController();
    const pending = runTool(echo, { text: "hang" }, context(during.signal));
    during.abort();
    expect(await pending).toEqual({ isError: true, content: "The echo call was cancelled." });
  });

  it("truncates every result, keeping head and tail", async () => {
    const result = await runTool(echo, { text: "ab", times: 20_000 }, context());
    expect(result.content.length).toBeLessThanOrEqual(16_000);
    expect(result.content).toMatch(/\[\.\.\. \d+ characters cut from the middle \.\.\.\]/);
    expect(result.content.startsWith("abab")).toBe(true);
    expect(result.content.endsWith("abab")).toBe(true);
    expect((await runTool(echo, { text: "abc" }, context(), { cap: 2 })).content.length).toBeLessThan(80);
  });

  it("leaves short text alone", () => {
    expect(truncateMiddle("short", 100)).toBe("short");
  });
});

describe("defineTool", () => {
  it("refuses a spec named differently from the tool", () => {
    expect(() => defineTool({ ...echo, name: "other" })).toThrow(/spec named/);
    expect(() => defineTool({ ...echo, name: "bad name" })).toThrow(/must match/);
  });
});
