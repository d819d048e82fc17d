import type { Usage } from "../agent/model-types.js";
import { addUsage, emptyUsage } from "../agent/model/prices.js";

/** What some model calls took. */
export interface Spent {
  modelCalls: number;
  usage: Usage;
  costUsd: number;
}

/**
 * The review's model spend so far. Every stage that calls a model adds what it spent here, so the
 * figures in the summary and in the result are one running total rather than sums kept by hand.
 */
export class Spend {
  private modelCalls = 0;
  private usage = emptyUsage();
  private costUsd = 0;

  add(spent: Spent): void {
    this.modelCalls += spent.modelCalls;
    this.usage = addUsage(this.usage, spent.usage);
    this.costUsd += spent.costUsd;
  }

  /** The totals, with `tokens`: every token of every call (input, output, cache writes and reads). */
  totals(): Spent & { tokens: number } {
    const usage = this.usage;
    return {
      modelCalls: this.modelCalls,
      usage: { ...usage },
      costUsd: this.costUsd,
      tokens:
        usage.inputTokens + usage.outputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens,
    };
  }
}
