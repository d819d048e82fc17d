import type { Usage } from "../model-types.js";

/**
 * USD per million tokens, standard tier. `cacheWrite` is the 5-minute cache write; `cacheRead` a
 * cache hit. Batch, 1-hour cache writes, fast mode, data-residency and long-prompt surcharges are
 * not modelled.
 *
 * Taken on 2026-11-21 from Anthropic's pricing page (platform.claude.com/docs/en/about-claude/pricing)
 * and the model overview pages (Sonnet 5.5 "has the same prices as Sonnet 5"; a cut of its cache read
 * to $0.10 from 2026-10-07 is reported elsewhere but not on the pages read). Haiku 5.5 is left out: it is
 * priced by prompt length (5x above 100k tokens) and a summed Usage cannot tell which band applied,
 * so it falls back to the Haiku estimate. Change a number only against the pricing page, and update
 * the date with it.
 */
export const PRICES_TAKEN_ON = "2026-11-21";

export interface Price {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

const OPUS_45: Price = { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 };
const OPUS_4: Price = { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 };
const SONNET_4: Price = { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 };
const SONNET_5: Price = { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 };

/**
 * Keyed by model alias; a dated id (`claude-sonnet-4-5-20250929`) or `-latest` finds its alias.
 * A version not listed (`claude-sonnet-6`) is unknown, and priced from its family as an estimate
 * until a row is added here.
 */
const PRICES: Record<string, Price> = {
  "claude-fable-5-1": { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 0.25 },
  "claude-fable-5": { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1 },
  "claude-opus-5-5": { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.2 },
  "claude-opus-5": OPUS_45,
  "claude-opus-4-8": OPUS_45,
  "claude-opus-4-7": OPUS_45,
  "claude-opus-4-6": OPUS_45,
  "claude-opus-4-5": OPUS_45,
  "claude-opus-4-1": OPUS_4,
  "claude-opus-4": OPUS_4,
  "claude-opus-4-0": OPUS_4,
  "claude-sonnet-5-5": SONNET_5,
  "claude-sonnet-5": SONNET_5,
  "claude-sonnet-4-6": SONNET_4,
  "claude-sonnet-4-5": SONNET_4,
  "claude-sonnet-4": SONNET_4,
  "claude-sonnet-4-0": SONNET_4,
  "claude-3-7-sonnet": SONNET_4,
  "claude-haiku-4-5": { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  "claude-3-5-haiku": { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 },
};

/**
 * For a model the table does not list: a recent price of its family, so a cost is still
 * reported, marked as estimated.
 */
const FAMILY_FALLBACK: Record<"opus" | "sonnet" | "haiku", string> = {
  opus: "claude-opus-5",
  sonnet: "claude-sonnet-4-6",
  haiku: "claude-haiku-4-5",
};

const SUFFIX = /^-(\d{8}|latest)$/;

/** The price of a model, and whether it was listed (`known`) or guessed from its family. */
export function priceOf(model: string): { price: Price; known: boolean } {
  const id = model.toLowerCase();
  const alias = Object.keys(PRICES).find(
    (p) => id === p || (id.startsWith(p) && SUFFIX.test(id.slice(p.length))),
  );
  if (alias !== undefined) return { price: PRICES[alias]!, known: true };
  const family = (["opus", "haiku", "sonnet"] as const).find((f) => id.includes(f)) ?? "sonnet";
  return { price: PRICES[FAMILY_FALLBACK[family]]!, known: false };
}

/** What a usage cost, in USD; `known: false` means the model's price was estimated from its family. */
export function costUsd(model: string, usage: Usage): { usd: number; known: boolean } {
  const { price, known } = priceOf(model);
  const usd =
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheCreationInputTokens * price.cacheWrite +
      usage.cacheReadInputTokens * price.cacheRead) /
    1_000_000;
  return { usd, known };
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheCreationInputTokens: a.cacheCreationInputTokens + b.cacheCreationInputTokens,
    cacheReadInputTokens: a.cacheReadInputTokens + b.cacheReadInputTokens,
  };
}
