import { ATTRIBUTION_RULES } from "./attribution.js";
import { PACKAGING_RULES } from "./packaging.js";
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
  {
    id: "forbidden-term",
    description: "Forbidden internal term (codename, hostname, product)",
    category: "internal-name",
  },
  { id: "key-store-file", description: "Key store file (private keys)", category: "packaging" },
];
