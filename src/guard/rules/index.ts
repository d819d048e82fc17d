import { ruleConfidence, ruleSeverity } from "../confidence.js";
import type { Confidence, Severity } from "../finding.js";
import { ATTRIBUTION_RULES } from "./attribution.js";
import { FORBIDDEN_TERM } from "../terms.js";
import { ENV_FILE, KEY_STORE_FILE, PACKAGING_RULES } from "./packaging.js";
import type { RegexRule } from "./rule.js";
import { SECRET_RULES } from "./secrets/index.js";

export const ALL_RULES: readonly RegexRule[] = [...SECRET_RULES, ...ATTRIBUTION_RULES, ...PACKAGING_RULES];

export interface RuleInfo {
  id: string;
  description: string;
  category: RegexRule["category"] | "internal-name";
  severity: Severity;
  /** The least confidence of the rule's findings (a generic rule's may be higher). */
  confidence: Confidence;
}

/** Every rule id the guard can report, for SARIF rule metadata and for checking `allow.rules`. */
export const RULE_CATALOG: readonly RuleInfo[] = [
  ...ALL_RULES.map((rule) => ({
    id: rule.id,
    description: rule.description,
    category: rule.category,
    severity: ruleSeverity(rule),
    confidence: ruleConfidence(rule),
  })),
  { ...FORBIDDEN_TERM, category: "internal-name", severity: "error", confidence: "high" },
  {
    id: KEY_STORE_FILE.id,
    description: KEY_STORE_FILE.description,
    category: "packaging",
    severity: "error",
    confidence: "high",
  },
  {
    id: ENV_FILE.id,
    description: ENV_FILE.description,
    category: "packaging",
    severity: "warning",
    confidence: "high",
  },
];
