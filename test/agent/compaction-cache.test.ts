import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { runAgent } from "../../src/agent/loop.js";
import { createAnthropicClient } from "../../src/agent/model/anthropic-client.js";
import { policyFor } from "../../src/agent/permissions/policies.js";
import { toolsFor } from "../../src/tools/index.js";
import { recordedMessagesApi, streamedMessage } from "../helpers/anthropic-sse.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";
import { testToolContext } from "../helpers/tool-context.js";

const BASE = "https://compaction-cache.anthropic.test";

interface ApiBody {
  tools: unknown[];
  system: unknown[];
  messages: { role: string; content: { type: string; text?: string }[] }[];
}

const isSummaryRequest = (body: ApiBody): boolean =>
  JSON.stringify(body.messages.at(-1)).includes("compacting the history");

describe("compaction's summary request", () => {
  it("repeats the previous request's prefix byte for byte, with its breakpoint, then asks for the summary", async () => {
    const root = tempDir();
    writeFiles(root, { "a.txt": "alpha\n" });
    let turn = 0;
    // The Anthropic API over HTTP: every turn thinks aloud at length (what masking old tool results cannot
    // shrink, so compaction must summarise) and reads a file; the summary call gets a short summary.
    const { bodies } = recordedMessagesApi<ApiBody>(BASE, (body, raw) => {
      // The input the API would count, roughly, so the loop's meter sees the context grow.
      const inputTokens = Math.ceil(raw.length / 3.5);
      if (isSummaryRequest(body)) {
        return streamedMessage([{ type: "text", text: "## Goal\n- read a.txt\n## Pending\n- none" }], {
          inputTokens,
        });
      }
      turn++;
      if (turn > 30) return streamedMessage([{ type: "text", text: "done" }], { inputTokens });
      return streamedMessage(
        [
          { type: "text", text: `Step ${turn}: ${"thinking it over ".repeat(200)}` },
          { type: "tool_use", id: `toolu_${turn}`, name: "bash", input: { command: `cat a.txt # ${turn}` } },
        ],
        { inputTokens },
      );
    });

    const events: AgentEvent[] = [];
    const loop = runAgent({
      model: createAnthropicClient({ apiKey: "test-key", baseURL: BASE, maxRetries: 0 }),
      modelName: "claude-sonnet-4-6",
      system: [{ text: "You are patchwright.", cache: true }],
      instruction: "read a.txt many times",
      tools: toolsFor("write"),
      rules: policyFor("implement"),
      toolContext: testToolContext(root),
      limits: { maxTurns: 60, maxCostUsd: 100, timeoutMs: 60_000 },
      context: { windowTokens: 40_000 },
    });
    for (let next = await loop.next(); !next.done; next = await loop.next()) events.push(next.value);

    const s = bodies.findIndex(isSummaryRequest);
    expect(s).toBeGreaterThan(0);
    const summary = bodies[s]!;
    const previous = bodies[s - 1]!;
    // Tools and system with their breakpoints, then every message the previous turn sent, byte for byte:
    // the rolling breakpoint included, on the same block, so the API reads all of it from the cache.
    expect(JSON.stringify(summary.tools)).toBe(JSON.stringify(previous.tools));
    expect(JSON.stringify(summary.system)).toBe(JSON.stringify(previous.system));
    expect(summary.messages).toHaveLength(previous.messages.length + 1);
    expect(JSON.stringify(summary.messages.slice(0, -1))).toBe(JSON.stringify(previous.messages));
    expect(JSON.stringify(previous.messages.at(-1)!.content.at(-1))).toContain('"cache_control"');
    // After the breakpoint only the instruction, which nothing will read again: no breakpoint on it.
    const instruction = summary.messages.at(-1)!;
    expect(instruction.role).toBe("user");
    expect(JSON.stringify(instruction)).not.toContain("cache_control");
    expect(instruction.content[0]!.text).toMatch(/^The harness is compacting the history of this run\./);
    const compacted = events.find((e) => e.type === "compacted");
    expect(compacted).toMatchObject({ level: 4 });
    const after = bodies[s + 1]!;
    expect(JSON.stringify(after.messages[0])).toContain("<summary>\\n## Goal\\n- read a.txt");
    // The turns kept are named: all those after the summary but the latest, which the prefix does not hold.
    const kept = after.messages.filter((m) => m.role === "assistant").length - 1;
    expect(kept).toBeGreaterThan(1);
    expect(instruction.content[0]!.text).toContain(`and your last ${kept} turns (with the tool results`);
  });
});
