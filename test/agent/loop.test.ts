import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentEvent, AgentResult } from "../../src/agent/events.js";
import { runAgent, type AgentOptions } from "../../src/agent/loop.js";
import { ModelError, type ModelRequest, type ModelResponse } from "../../src/agent/model-types.js";
import { ScriptedModel, textResponse } from "../../src/agent/model/replay-model.js";
import { historyProblems } from "../../src/agent/context/history.js";
import { estimateTokens } from "../../src/agent/context/token-count.js";
import { InstructionLoader, worktreeSource } from "../../src/agent/instructions/load-instructions.js";
import { policyFor } from "../../src/agent/permissions/policies.js";
import { toolsFor } from "../../src/tools/index.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";
import { testToolContext } from "../helpers/tool-context.js";

const USAGE = { inputTokens: 1000, outputTokens: 100, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
let ids = 0;

function toolCall(name: string, input: unknown, text = ""): ModelResponse {
  return {
    model: "claude-sonnet-4-6",
    content: [
      ...(text ? [{ type: "text" as const, text }] : []),
      { type: "tool_use", id: `t${++ids}`, name, input },
    ],
    stopReason: "tool_use",
    usage: USAGE,
  };
}

/** A response whose reported input is what the request really held, as the API would report it. */
function sized(request: ModelRequest, response: ModelResponse): ModelResponse {
  return { ...response, usage: { ...response.usage, inputTokens: estimateTokens(request.messages) } };
}

/** Compaction's summary request: the conversation so far, then the harness's instruction. */
const isSummaryRequest = (request: ModelRequest): boolean =>
  JSON.stringify(request.messages.at(-1)).includes("compacting the history");

function options(root: string, model: ScriptedModel, over: Partial<AgentOptions> = {}): AgentOptions {
  return {
    model,
    modelName: "claude-sonnet-4-6",
    system: [{ text: "test", cache: true }],
    instruction: "make the greeting friendlier",
    tools: toolsFor("write"),
    rules: policyFor("implement"),
    toolContext: testToolContext(root),
    limits: { maxTurns: 20, maxCostUsd: 5, timeoutMs: 60_000 },
    ...over,
  };
}

async function drain(
  gen: AsyncGenerator<AgentEvent, AgentResult>,
): Promise<{ events: AgentEvent[]; result: AgentResult }> {
  const events: AgentEvent[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { events, result: next.value };
    events.push(next.value);
  }
}

describe("the agent loop", () => {
  it("edits with the tools, verifies with the tests, and reports turns, tokens and cost", async () => {
    const root = tempDir();
    writeFiles(root, {
      "greet.js": 'export const greeting = "hi";\n',
      "check.js":
        'import { greeting } from "./greet.js";\nif (greeting !== "hello there") process.exit(1);\n',
      "package.json": JSON.stringify({ type: "module", scripts: { test: "node check.js" } }),
    });
    const model = new ScriptedModel([
      toolCall("str_replace_based_edit_tool", { command: "view", path: "greet.js" }, "Let me look."),
      toolCall("str_replace_based_edit_tool", {
        command: "str_replace",
        path: "greet.js",
        old_str: '"hi"',
        new_str: '"hello"',
      }),
      textResponse("Changed the greeting."),
      toolCall("str_replace_based_edit_tool", {
        command: "str_replace",
        path: "greet.js",
        old_str: '"hello"',
        new_str: '"hello there"',
      }),
      textResponse("Fixed: the test wanted 'hello there'."),
    ]);
    const verification = {
      command: "node check.js",
      maxAttempts: 2,
      run: () => {
        const ok = readFileSync(join(root, "greet.js"), "utf8").includes("hello there");
        return Promise.resolve({ passed: ok, output: ok ? "" : "check failed: greeting is wrong" });
      },
    };
    const { events, result } = await drain(runAgent(options(root, model, { verification })));
    expect(result).toMatchObject({
      outcome: "finished",
      verification: "passed",
      turns: 5,
      finalText: "Fixed: the test wanted 'hello there'.",
    });
    // Three tool calls at 1,000 in / 100 out, two text answers at 10 in / 5 out; Sonnet at $3 / $15.
    expect(result.usage).toMatchObject({ inputTokens: 3020, outputTokens: 310 });
    expect(result.costUsd).toBeCloseTo((3020 * 3 + 310 * 15) / 1e6, 9);
    expect(
      events.filter((e) => e.type === "verification").map((e) => (e as { passed: boolean }).passed),
    ).toEqual([false, true]);
    // The failure went back to the model as a user message.
    expect(JSON.stringify(model.requests[3]!.messages.at(-1))).toContain("check failed: greeting is wrong");
    expect(readFileSync(join(root, "greet.js"), "utf8")).toContain("hello there");
  });

  it("tells the model which rule denied a call, and never runs it", async () => {
    const root = tempDir();
    const model = new ScriptedModel([
      toolCall("bash", { command: "git push origin HEAD" }),
      textResponse("ok, I will not push"),
    ]);
    const { events } = await drain(runAgent(options(root, model)));
    const denied = events.find((e) => e.type === "tool_result") as { isError: boolean; content: string };
    expect(denied.isError).toBe(true);
    expect(denied.content).toMatch(/git push/);
  });

  it("stops at each limit with the reason", async () => {
    const endless = (): ScriptedModel => new ScriptedModel(() => toolCall("glob", { pattern: `*.${++ids}` }));
    const turns = await drain(
      runAgent(
        options(tempDir(), endless(), { limits: { maxTurns: 3, maxCostUsd: 100, timeoutMs: 60_000 } }),
      ),
    );
    expect(turns.result).toMatchObject({
      outcome: "limit",
      turns: 3,
      reason: expect.stringMatching(/3 turns/),
    });
    const cost = await drain(
      runAgent(
        options(tempDir(), endless(), { limits: { maxTurns: 100, maxCostUsd: 0.01, timeoutMs: 60_000 } }),
      ),
    );
    expect(cost.result).toMatchObject({ outcome: "limit", reason: expect.stringMatching(/cost limit/) });
    let clock = 0;
    const time = await drain(
      runAgent(
        options(tempDir(), endless(), {
          limits: { maxTurns: 100, maxCostUsd: 100, timeoutMs: 5_000 },
          now: () => (clock += 2_000),
        }),
      ),
    );
    expect(time.result).toMatchObject({ outcome: "limit", reason: expect.stringMatching(/time limit/) });
  });

  it("warns a model that repeats itself once, then stops it", async () => {
    const model = new ScriptedModel(() => toolCall("glob", { pattern: "*.md" }));
    const { events, result } = await drain(runAgent(options(tempDir(), model)));
    expect(result).toMatchObject({
      outcome: "limit",
      reason: expect.stringMatching(/repeated the same glob call/),
    });
    const warned = events.filter(
      (e) => e.type === "tool_result" && e.content.includes("several times in a row"),
    );
    expect(warned).toHaveLength(1);
    expect(events.some((e) => e.type === "limit_reached" && e.limit === "loop")).toBe(true);
  });

  it("warns a model whose every call keeps failing, then stops it", async () => {
    const model = new ScriptedModel(() =>
      toolCall("str_replace_based_edit_tool", { command: "view", path: `missing-${++ids}.txt` }),
    );
    const { events, result } = await drain(runAgent(options(tempDir(), model)));
    expect(result).toMatchObject({
      outcome: "limit",
      reason: expect.stringMatching(/every tool call failed/),
    });
    expect(result.turns).toBe(10);
    const warnings = model.requests.filter((r) =>
      JSON.stringify(r.messages.at(-1)).includes("Stop and reconsider"),
    );
    expect(warnings).toHaveLength(1);
    expect(events.some((e) => e.type === "limit_reached" && e.limit === "loop")).toBe(true);
  });

  it("hands a folder's instructions to the model with the first result from that folder", async () => {
    const root = tempDir();
    writeFiles(root, {
      "src/api/AGENTS.md": "Handlers return Result, never throw.",
      "src/api/a.ts": "a\n",
      "src/api/b.ts": "b\n",
    });
    const loader = new InstructionLoader(worktreeSource(realpathSync(root)));
    const model = new ScriptedModel([
      toolCall("str_replace_based_edit_tool", { command: "view", path: "src/api/a.ts" }),
      toolCall("str_replace_based_edit_tool", { command: "view", path: "src/api/b.ts" }),
      textResponse("done"),
    ]);
    const { events } = await drain(
      runAgent(options(root, model, { instructionsFor: (p) => loader.forPath(p) })),
    );
    const results = events
      .filter((e) => e.type === "tool_result")
      .map((e) => (e as { content: string }).content);
    expect(results[0]).toContain("Handlers return Result, never throw.");
    expect(results[1]).not.toContain("Handlers return Result");
    expect(events.filter((e) => e.type === "instructions")).toEqual([
      { type: "instructions", files: ["src/api/AGENTS.md"] },
    ]);
  });

  it("compacts a long session before a request outgrows the window, never splitting a tool call from its result", async () => {
    const root = tempDir();
    writeFiles(root, { "big.txt": `${"line of text\n".repeat(1200)}` });
    let turn = 0;
    const model = new ScriptedModel((request) => {
      if (isSummaryRequest(request)) return textResponse("## Goal\n- read big.txt\n## Pending\n- none");
      turn++;
      return sized(
        request,
        turn <= 12 ? toolCall("bash", { command: `cat big.txt # ${turn}` }) : textResponse("done"),
      );
    });
    const { events, result } = await drain(
      runAgent(
        options(root, model, {
          context: { windowTokens: 20_000 },
          limits: { maxTurns: 30, maxCostUsd: 100, timeoutMs: 60_000 },
        }),
      ),
    );
    expect(result.outcome).toBe("finished");
    const compactions = events.filter((e) => e.type === "compacted") as {
      beforeTokens: number;
      afterTokens: number;
      failed?: string;
    }[];
    expect(compactions.length).toBeGreaterThan(0);
    for (const c of compactions) expect(c.afterTokens).toBeLessThan(c.beforeTokens);
    for (const request of model.requests.filter((r) => !isSummaryRequest(r))) {
      expect(historyProblems(request.messages)).toEqual([]);
      expect(request.messages[0]!.role).toBe("user");
      expect(JSON.stringify(request.messages[0])).toContain("make the greeting friendlier");
      expect(estimateTokens(request.messages)).toBeLessThan(20_000);
    }
  });

  it("compacts past the share of the window it is given, down to two thirds of that share", async () => {
    const root = tempDir();
    writeFiles(root, { "big.txt": `${"line of text\n".repeat(1200)}` });
    let turn = 0;
    const model = new ScriptedModel((request) => {
      if (isSummaryRequest(request)) return textResponse("## Goal\n- read big.txt");
      turn++;
      return sized(
        request,
        turn <= 12 ? toolCall("bash", { command: `cat big.txt # ${turn}` }) : textResponse("done"),
      );
    });
    const window = 40_000;
    const { events, result } = await drain(
      runAgent(
        options(root, model, {
          context: { windowTokens: window, triggerShare: 0.45 },
          limits: { maxTurns: 30, maxCostUsd: 100, timeoutMs: 60_000 },
        }),
      ),
    );
    expect(result.outcome).toBe("finished");
    const compactions = events.filter((e) => e.type === "compacted") as { afterTokens: number }[];
    expect(compactions.length).toBeGreaterThan(0);
    for (const c of compactions) expect(c.afterTokens).toBeLessThanOrEqual(window * 0.3);
    // No request went past the trigger by more than the one tool result added since the last check.
    const oneResult = estimateTokens("line of text\n".repeat(1200)) + 200;
    for (const request of model.requests.filter((r) => !isSummaryRequest(r))) {
      expect(estimateTokens(request.messages)).toBeLessThan(window * 0.45 + oneResult);
    }
  });

  it("stops compacting after three failed summaries, and ends when the context is full", async () => {
    const root = tempDir();
    writeFiles(root, { "big.txt": `${"line of text\n".repeat(1200)}` });
    let summaries = 0;
    const model = new ScriptedModel((request) => {
      if (isSummaryRequest(request)) {
        summaries++;
        throw new ModelError("overloaded", "Anthropic's API is overloaded; try again later.");
      }
      // Big inputs, not big outputs: masking old results cannot help, so history must be dropped.
      const n = ++ids;
      return sized(
        request,
        toolCall("str_replace_based_edit_tool", {
          command: "create",
          path: `f${n}.txt`,
          file_text: `${n} `.repeat(3000),
        }),
      );
    });
    const { events, result } = await drain(
      runAgent(
        options(root, model, {
          // In so small a window the default share compacts before there are more turns than the six kept,
          // so nothing could be summarised: this test needs summaries to fail.
          context: { windowTokens: 12_000, triggerShare: 0.75 },
          limits: { maxTurns: 60, maxCostUsd: 100, timeoutMs: 60_000 },
        }),
      ),
    );
    const failed = events.filter((e) => e.type === "compacted" && e.failed);
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(summaries).toBeGreaterThanOrEqual(3);
    expect(result).toMatchObject({
      outcome: "limit",
      reason: expect.stringMatching(/compaction failed three times in a row/),
    });
  });

  it("ends with a plain sentence when the model fails", async () => {
    const model = new ScriptedModel(() => {
      throw new ModelError("overloaded", "Anthropic's API is overloaded; try again later.");
    });
    const { result } = await drain(runAgent(options(tempDir(), model)));
    expect(result).toMatchObject({
      outcome: "failed",
      reason: "Anthropic's API is overloaded; try again later.",
    });
  });

  it("says plainly when there is no test command to verify with", async () => {
    const { result } = await drain(
      runAgent(options(tempDir(), new ScriptedModel([textResponse("Nothing to do.")]))),
    );
    expect(result).toMatchObject({ outcome: "finished", verification: "no_command" });
  });
});
