// Values that only stand in for a secret: templates, environment look-ups, documented examples, masks.
const TEMPLATE = /\$\{[^}]*\}|\{\{[^}]*\}\}|^<[^>]*>$|^%[A-Za-z_][A-Za-z0-9_]*%$|^\$[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_LOOKUP =
  /process\.env|import\.meta\.env|os\.environ|getenv|\bENV\[|System\.getenv|env\(|secrets\./i;
const MASK = /x{4,}|\*{3,}|\.{3,}|•{3,}|_{4,}|#{4,}/i;
const WORDS =
  /example|sample|placeholder|changeme|change_me|replace_?me|your[_-]?(?:api|token|key|secret|password|own)|dummy|redacted|insert[_-]?(?:your|key|token)|<secret>|fixme|todo/i;

export function isPlaceholder(value: string): boolean {
  if (TEMPLATE.test(value) || ENV_LOOKUP.test(value) || MASK.test(value) || WORDS.test(value)) return true;
  return new Set(value).size <= 3;
}
