import { describe, expect, it } from "vitest";
import type { Message, Usage } from "../../../src/agent/model-types.js";
import {
  BLOCK_OVERHEAD_TOKENS,
  ContextMeter,
  MESSAGE_OVERHEAD_TOKENS,
  estimateTokens,
  promptTokens,
} from "../../../src/agent/context/token-count.js";

const usage = (input: number, cacheRead = 0, cacheWrite = 0): Usage => ({
  inputTokens: input,
  outputTokens: 999,
  cacheReadInputTokens: cacheRead,
  cacheCreationInputTokens: cacheWrite,
});

describe("estimateTokens", () => {
  it("is characters / 3.5 rounded up for a string", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abcdefg")).toBe(2);
    expect(estimateTokens("abcdefgh")).toBe(3);
    expect(estimateTokens("x".repeat(3500))).toBe(1000);
  });

  it("adds an overhead per message and per block", () => {
    const text = "x".repeat(35);
    expect(estimateTokens({ role: "user", content: text })).toBe(
      MESSAGE_OVERHEAD_TOKENS + BLOCK_OVERHEAD_TOKENS + 10,
    );
    const two: Message = {
      role: "user",
      content: [
        { type: "text", text },
        { type: "text", text },
      ],
    };
    expect(estimateTokens(two)).toBe(MESSAGE_OVERHEAD_TOKENS + 2 * (BLOCK_OVERHEAD_TOKENS + 10));
  });

  it("counts tool_use inputs and tool_result contents, and sums arrays", () => {
    const a: Message = {
      role: "assistant",
      content: [{ type: "tool_use", id: "t1", name: "bash", input: { command: "x".repeat(700) } }],
    };
    const u: Message = {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "t1", content: "y".repeat(7000) }],
    };
    expect(estimateTokens(a)).toBeGreaterThan(200);
    expect(estimateTokens(u)).toBeGreaterThan(2000);
    expect(estimateTokens([a, u])).toBe(estimateTokens(a) + estimateTokens(u));
    expect(estimateTokens([])).toBe(0);
    expect(estimateTokens([a, u])).toBe(estimateTokens([a, u])); // deterministic
  });
});

describe("ContextMeter", () => {
  const m = (text: string, role: Message["role"] = "user"): Message => ({ role, content: text });

  it("estimates everything before the first report", () => {
    const meter = new ContextMeter();
    const messages = [m("hello there")];
    expect(meter.current(messages)).toBe(estimateTokens(messages));
  });

  it("takes input + cache read + cache write as the truth for what was sent, and estimates the rest", () => {
    const meter = new ContextMeter();
    const messages = [m("request"), m("answer", "assistant"), m("x".repeat(350))];
    meter.observe(usage(100, 5000, 200), 1);
    expect(promptTokens(usage(100, 5000, 200))).toBe(5300);
    expect(meter.current(messages)).toBe(5300 + estimateTokens(messages.slice(1)));

    // The next response reports the whole of what it was sent.
    meter.observe(usage(50, 5500, 400), 3);
    expect(meter.current(messages)).toBe(5950);
    const more = [...messages, m("reply", "assistant"), m("z".repeat(700))];
    expect(meter.current(more)).toBe(5950 + estimateTokens(more.slice(3)));
  });

  it("after reset (history rewritten) estimates the messages plus the overhead learnt from the report", () => {
    const meter = new ContextMeter();
    const messages = [m("request"), m("answer", "assistant")];
    meter.observe(usage(3000), 2); // system prompt and tools make up most of it
    const overhead = 3000 - estimateTokens(messages);
    expect(meter.current(messages)).toBe(3000);
    meter.reset();
    const compacted = [m("request")];
    expect(meter.current(compacted)).toBe(overhead + estimateTokens(compacted));
  });

  it("counts what lies outside the messages once: the caller's estimate first, then the report's", () => {
    const meter = new ContextMeter(2000);
    const messages = [m("request")];
    expect(meter.current(messages)).toBe(2000 + estimateTokens(messages));
    meter.observe(usage(2500), 1);
    const more = [...messages, m("answer", "assistant"), m("x".repeat(350))];
    expect(meter.current(more)).toBe(2500 + estimateTokens(more.slice(1)));
  });

  it("does not trust a report for a history shorter than what was sent", () => {
    const meter = new ContextMeter();
    meter.observe(usage(10_000), 10);
    const shorter = [m("request")];
    expect(meter.current(shorter)).toBe(estimateTokens(shorter));
  });
});
