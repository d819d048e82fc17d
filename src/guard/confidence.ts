import { shannonEntropy } from "./entropy.js";
import type { Confidence, Severity } from "./finding.js";
import type { RegexRule } from "./rules/rule.js";

const RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

/** Whether a finding's confidence is `min` or more (for `patchwright scan --min-confidence`). */
export function meetsConfidence(confidence: Confidence, min: Confidence): boolean {
  return RANK[confidence] >= RANK[min];
}

/** A rule's severity: its own, else a leak is an error and attribution a note. */
export function ruleSeverity(rule: Pick<RegexRule, "severity" | "category">): Severity {
  return rule.severity ?? (rule.category === "attribution" ? "note" : "error");
}

/**
 * How sure a finding of `rule` on `value` is. A rule may say; otherwise attribution and packaging rules
 * match what they name exactly (high), a format rule matches a provider's format that nothing checks
 * further (medium), and a generic rule's guess is low unless the value is long and random enough that a
 * person would not have typed it (medium).
 */
export function findingConfidence(rule: RegexRule, value: string): Confidence {
  const confidence = ruleConfidence(rule);
  return rule.confidence === undefined && rule.generic && machineMade(value) ? "medium" : confidence;
}

/** The confidence a rule's findings have at least (SARIF's rule-level precision). */
export function ruleConfidence(rule: Pick<RegexRule, "confidence" | "category" | "generic">): Confidence {
  if (rule.confidence) return rule.confidence;
  if (rule.category !== "secret") return "high";
  return rule.generic ? "low" : "medium";
}

/**
 * 20 characters or more at 4 bits of entropy each (a random 20-character base62 value has about 4.1; a
 * word or a typed password stays below); hex, whose 16 symbols cannot reach that, needs 32 at 3.5.
 */
function machineMade(value: string): boolean {
  const entropy = shannonEntropy(value);
  if (/^[0-9a-f]+$/i.test(value)) return value.length >= 32 && entropy >= 3.5;
  return value.length >= 20 && entropy >= 4;
}
