import type { RegexRule } from "../rule.js";
import { AI_RULES } from "./ai.js";
import { CHAT_RULES } from "./chat.js";
import { CI_CD_RULES } from "./ci-cd.js";
import { CLOUD_RULES } from "./cloud.js";
import { EMAIL_RULES } from "./email.js";
import { GENERIC_RULES } from "./generic.js";
import { KEY_RULES } from "./keys.js";
import { PAYMENT_RULES } from "./payment.js";
import { PLATFORM_RULES } from "./platforms.js";
import { REGISTRY_RULES } from "./registries.js";
import { SAAS_RULES } from "./saas.js";
import { SOURCE_CONTROL_RULES } from "./source-control.js";

export {
  AI_RULES,
  CHAT_RULES,
  CI_CD_RULES,
  CLOUD_RULES,
  EMAIL_RULES,
  GENERIC_RULES,
  KEY_RULES,
  PAYMENT_RULES,
};
export { PLATFORM_RULES, REGISTRY_RULES, SAAS_RULES, SOURCE_CONTROL_RULES };

/**
 * Every built-in secret rule: key material and credentials first, then vendor tokens by domain, the broad
 * `generic: true` rules last (the engine lets a specific rule's finding win over theirs either way).
 */
export const SECRET_RULES: readonly RegexRule[] = [
  ...KEY_RULES,
  ...CLOUD_RULES,
  ...PLATFORM_RULES,
  ...SOURCE_CONTROL_RULES,
  ...CI_CD_RULES,
  ...REGISTRY_RULES,
  ...CHAT_RULES,
  ...PAYMENT_RULES,
  ...EMAIL_RULES,
  ...AI_RULES,
  ...SAAS_RULES,
  ...GENERIC_RULES,
];
