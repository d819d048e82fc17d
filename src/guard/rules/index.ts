import { ATTRIBUTION_RULES } from "./attribution.js";
import { FORBIDDEN_TERM } from "../terms.js";
import { KEY_STORE_FILE, PACKAGING_RULES } from "./packaging.js";
import type { RegexRule } from "./rule.js";
import { SECRET_RULES } from "./secrets/index.js";

export const ALL_RULES: readonly RegexRule[] = [...SECRET_RULES, ...ATTRIBUTION_RULES, ...PACKAGING_RULES];

export interface RuleInfo {
  id: string;
  description: string;
  category: RegexRule["category"] | "internal-name";
}

/** Every rule id the guard can report, for SARIF rule metadata and for checking `allow.rules`. */
export const RULE_CATALOG: readonly RuleInfo[] = [
  ...ALL_RULES.map(({ id, description, category }) => ({ id, description, category })),
  { ...FORBIDDEN_TERM, category: "internal-name" },
  { id: KEY_STORE_FILE.id, description: KEY_STORE_FILE.description, category: "packaging" },
];
