import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "../../../src/agent/model/default-model.js";
import { addUsage, costUsd, emptyUsage, priceOf } from "../../../src/agent/model/prices.js";
import type { Usage } from "../../../src/agent/model-types.js";

const MILLION_EACH: Usage = {
  inputTokens: 1_000_000,
  outputTokens: 1_000_000,
  cacheCreationInputTokens: 1_000_000,
  cacheReadInputTokens: 1_000_000,
};

describe("prices", () => {
  it("prices the default model as known", () => {
    expect(DEFAULT_MODEL).toBe("claude-sonnet-4-6");
    // $3 in + $15 out + $3.75 cache write + $0.30 cache read.
    expect(costUsd(DEFAULT_MODEL, MILLION_EACH)).toEqual({ usd: expect.closeTo(22.05, 9), known: true });
  });

  it("charges each kind of token at its own rate", () => {
    const usd = (usage: Partial<Usage>) => costUsd("claude-opus-4-5", { ...emptyUsage(), ...usage }).usd;
    expect(usd({ inputTokens: 1_000_000 })).toBeCloseTo(5, 9);
    expect(usd({ outputTokens: 1_000_000 })).toBeCloseTo(25, 9);
    expect(usd({ cacheCreationInputTokens: 1_000_000 })).toBeCloseTo(6.25, 9);
    expect(usd({ cacheReadInputTokens: 1_000_000 })).toBeCloseTo(0.5, 9);
  });

  it("finds an alias from a dated id or -latest", () => {
    expect(priceOf("claude-sonnet-4-5-20250929")).toEqual({
      price: priceOf("claude-sonnet-4-5").price,
      known: true,
    });
    expect(priceOf("claude-3-7-sonnet-latest").known).toBe(true);
    expect(priceOf("claude-haiku-4-5-20251001").price.input).toBe(1);
  });

  it("does not let an older alias price a newer version", () => {
    // claude-opus-4 is $15 in; claude-opus-4-9 must not inherit it through the prefix.
    expect(priceOf("claude-opus-4-9")).toEqual({ price: priceOf("claude-opus-5").price, known: false });
  });

  it("estimates an unknown model from its family", () => {
    expect(costUsd("claude-sonnet-7", MILLION_EACH)).toEqual({ usd: expect.closeTo(22.05, 9), known: false });
    expect(priceOf("claude-haiku-5-5")).toEqual({ price: priceOf("claude-haiku-4-5").price, known: false });
    expect(priceOf("anthropic.claude-opus-9-v1:0").known).toBe(false);
    expect(priceOf("some-proxy-model")).toEqual({ price: priceOf("claude-sonnet-4-6").price, known: false });
  });

  it("adds usages", () => {
    const a: Usage = {
      inputTokens: 1,
      outputTokens: 2,
      cacheCreationInputTokens: 3,
      cacheReadInputTokens: 4,
    };
    expect(addUsage(emptyUsage(), a)).toEqual(a);
    expect(addUsage(a, a)).toEqual({
      inputTokens: 2,
      outputTokens: 4,
      cacheCreationInputTokens: 6,
      cacheReadInputTokens: 8,
    });
    expect(emptyUsage()).not.toBe(emptyUsage());
  });
});
