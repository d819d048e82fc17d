// When not everything fits, what is read first should be what most often hides a costly mistake: code
// near security boundaries, then code, then tests and configuration, then prose.

export const RISK = { docs: 0, supporting: 1, code: 2, sensitive: 3 } as const;
export type Risk = (typeof RISK)[keyof typeof RISK];

const SENSITIVE =
  /(?:^|[/_.-])(?:auth\w*|oauth|jwt|saml|login|logout|session|cookie|csrf|cors|crypto\w*|cipher|encrypt\w*|decrypt\w*|hash\w*|secret\w*|password\w*|passwd|token\w*|credential\w*|permission\w*|acl|rbac|policy|policies|sanitiz\w*|escape\w*|sql|query|queries|migrations?|security|signature|verify\w*|payment\w*|billing)(?=[/_.-]|$)/i;
const WORKFLOW = /^\.github\/workflows\//;
const TEST =
  /(?:^|\/)(?:tests?|__tests__|spec|specs|fixtures?|testdata)\/|\.(?:test|spec)\.[^/]+$|_test\.\w+$|(?:^|\/)test_[^/]+\.py$/i;
const DOCS =
  /(?:^|\/)(?:docs?|documentation)\/|\.(?:md|mdx|markdown|rst|adoc|txt)$|(?:^|\/)(?:LICENSE|NOTICE|AUTHORS)[^/]*$/i;
const SUPPORTING =
  /\.(?:json|jsonc|ya?ml|toml|ini|cfg|conf|properties|xml|csv|tsv|svg|env\.example|editorconfig|gitignore|gitattributes|lock)$/i;

/** How much a mistake in this file tends to cost; higher is reviewed first. */
export function riskOf(path: string): Risk {
  if (WORKFLOW.test(path)) return RISK.sensitive;
  if (DOCS.test(path)) return RISK.docs;
  if (TEST.test(path)) return RISK.supporting;
  const sensitive = SENSITIVE.test(path);
  if (SUPPORTING.test(path)) return sensitive ? RISK.code : RISK.supporting;
  return sensitive ? RISK.sensitive : RISK.code;
}
