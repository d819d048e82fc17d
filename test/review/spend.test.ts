import { describe, expect, it } from "vitest";
import { Spend } from "../../src/review/spend.js";

const usage = (inputTokens: number, outputTokens: number, cacheWrite = 0, cacheRead = 0) => ({
  inputTokens,
  outputTokens,
  cacheCreationInputTokens: cacheWrite,
  cacheReadInputTokens: cacheRead,
});

describe("Spend", () => {
  it("starts at nothing", () => {
    expect(new Spend().totals()).toEqual({ modelCalls: 0, usage: usage(0, 0), costUsd: 0, tokens: 0 });
  });

  it("adds up calls, every kind of token and the cost", () => {
    const spend = new Spend();
    spend.add({ modelCalls: 2, usage: usage(100, 20, 5, 1), costUsd: 0.25 });
    spend.add({ modelCalls: 1, usage: usage(10, 2, 0, 300), costUsd: 0.5 });
    expect(spend.totals()).toEqual({
      modelCalls: 3,
      usage: usage(110, 22, 5, 301),
      costUsd: 0.75,
      tokens: 438,
    });
  });

  it("hands out totals that later spending does not change", () => {
    const spend = new Spend();
    spend.add({ modelCalls: 1, usage: usage(1, 1), costUsd: 0.01 });
    const before = spend.totals();
    spend.add({ modelCalls: 1, usage: usage(1, 1), costUsd: 0.01 });
    expect(before).toEqual({ modelCalls: 1, usage: usage(1, 1), costUsd: 0.01, tokens: 2 });
  });
});
