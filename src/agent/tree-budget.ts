import type { LimitKind } from "./events.js";
import type { Usage } from "./model-types.js";
import { addUsage, emptyUsage } from "./model/prices.js";

export interface TreeLimits {
  maxTurns: number;
  maxCostUsd: number;
  timeoutMs: number;
}

/**
 * The run's limits shared by every agent of a run: the parent and each sub-agent charge their turns,
 * tokens and cost here as they happen, and each checks it before every turn, so a cap reached by any of
 * them stops all of them at their next turn.
 */
export class TreeBudget {
  turns = 0;
  costUsd = 0;
  usage: Usage = emptyUsage();
  private readonly started: number;

  constructor(
    readonly limits: TreeLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  chargeTurn(): void {
    this.turns++;
  }

  chargeModel(usage: Usage, costUsd: number): void {
    this.usage = addUsage(this.usage, usage);
    this.costUsd += costUsd;
  }

  /** The first limit the run as a whole has reached, with the sentence a person reads; or undefined. */
  reached(): { kind: LimitKind; detail: string } | undefined {
    const l = this.limits;
    if (this.turns >= l.maxTurns)
      return { kind: "turns", detail: `The run reached its limit of ${l.maxTurns} turns.` };
    if (this.costUsd >= l.maxCostUsd)
      return { kind: "cost", detail: `The run reached its cost limit of $${l.maxCostUsd.toFixed(2)}.` };
    if (this.now() - this.started >= l.timeoutMs)
      return {
        kind: "time",
        detail: `The run reached its time limit of ${Math.round(l.timeoutMs / 60000)} minutes.`,
      };
    return undefined;
  }
}
