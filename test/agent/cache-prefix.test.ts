import { describe, expect, it } from "vitest";
import { runAgent } from "../../src/agent/loop.js";
import type { ModelResponse } from "../../src/agent/model-types.js";
import { toApiParams } from "../../src/agent/model/api-messages.js";
import { ScriptedModel, textResponse } from "../../src/agent/model/replay-model.js";
import { policyFor } from "../../src/agent/permissions/policies.js";
import { systemPrompt } from "../../src/agent/system-prompt.js";
import { toolsFor } from "../../src/tools/index.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";
import { testToolContext } from "../helpers/tool-context.js";

/** What the prompt cache sees: the request in the API's order, without the breakpoint markers. */
function cacheView(params: object): string {
  const { tools, system, messages } = params as { tools: unknown; system: unknown; messages: unknown };
  return JSON.stringify({ tools, system, messages }, (key, value: unknown) =>
    key === "cache_control" ? undefined : value,
  );
}

describe("the cached prefix", () => {
  it("is byte-identical from one turn to the next: each request extends the previous one", async () => {
    const root = tempDir();
    writeFiles(root, { "a.txt": "alpha\n", "b.txt": "beta\n", "AGENTS.md": "Be brief." });
    let id = 0;
    const call = (command: string): ModelResponse => ({
      model: "claude-sonnet-4-6",
      content: [{ type: "tool_use", id: `c${++id}`, name: "bash", input: { command } }],
      stopReason: "tool_use",
      usage: { inputTokens: 100, outputTokens: 10, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    });
    const model = new ScriptedModel([call("ls"), call("cat a.txt"), call("cat b.txt"), textResponse("done")]);
    const loop = runAgent({
      model,
      modelName: "claude-sonnet-4-6",
      system: systemPrompt("answer", {
        instructions: '<instructions file="AGENTS.md">\nBe brief.\n</instructions>',
        repoMap: "a.txt\nb.txt",
      }),
      instruction: "what is in this folder?",
      tools: toolsFor("read"),
      rules: policyFor("answer"),
      toolContext: testToolContext(root),
      limits: { maxTurns: 10, maxCostUsd: 5, timeoutMs: 60_000 },
    });
    while (!(await loop.next()).done);

    const views = model.requests.map((r) => cacheView(toApiParams(r)));
    expect(views).toHaveLength(4);
    for (let i = 1; i < views.length; i++) {
      // Drop the closing "]}" of the earlier request: its messages must start the next request's messages.
      expect(views[i]!.startsWith(views[i - 1]!.slice(0, -2)), `request ${i + 1} extends request ${i}`).toBe(
        true,
      );
    }
    // Breakpoints: after the tools, after the system prompt, and on the latest message.
    const params = toApiParams(model.requests[2]!) as unknown as {
      tools: object[];
      system: object[];
      messages: object[];
    };
    expect(JSON.stringify(params.tools.at(-1))).toContain("cache_control");
    expect(JSON.stringify(params.system.at(-1))).toContain("cache_control");
    expect(JSON.stringify(params.messages.at(-1))).toContain("cache_control");
    expect(JSON.stringify(params.messages.slice(0, -1))).not.toContain("cache_control");
  });
});
