import type { Confidence, Severity } from "../finding.js";

/** A rule that finds one kind of leak with a regular expression, run only when one of its keywords occurs. */
export interface RegexRule {
  /** kebab-case, stable: used in config, baselines, SARIF and `patchwright:allow`. */
  readonly id: string;
  /** One line for people: what was found. */
  readonly description: string;
  readonly category: "secret" | "attribution" | "packaging";
  /**
   * Lower-case literals; the rule runs on a block of text only when one of them occurs in it, in any case
   * (the keyword prefilter), so most rules never run on most text. Only a rule limited to `paths` may
   * have none: it then runs on every block of those paths.
   */
  readonly keywords: readonly string[];
  /**
   * Every match of `pattern` starts where one of `keywords` starts (in any ASCII case): the pattern is
   * then tried only there, anchored, instead of searched for through the whole text. For a rule whose
   * keywords are common words (`token`, `secret`), which V8 finds slowly in a case-insensitive search.
   * The keywords must then spell out every way the pattern can start.
   */
  readonly anchored?: boolean;
  /**
   * Global regex. The leaked value is the named group `secret` when present, else the whole match.
   * Quantifiers are bounded and never nested, so a long adversarial line cannot make it backtrack badly.
   */
  readonly pattern: RegExp;
  /**
   * A cheaper test a text must pass before `pattern` runs on it, matching wherever `pattern` matches: for
   * a pattern that must start with a character class (`[0-9a-f]{32}-us…`), a test that starts with its
   * literal part (`-us[0-9]`), which V8 finds many times faster. Not global: it only tells yes or no.
   */
  readonly quick?: RegExp;
  /** A structural check of the value (a checksum, a decodable payload); false means "not a finding". */
  readonly validate?: (secret: string) => boolean;
  /** Minimum Shannon entropy in bits per character of the value. */
  readonly minEntropy?: number;
  /** When false, the placeholder filter (`${VAR}`, `<your-token>`, `xxxx`, ...) is not applied. */
  readonly skipPlaceholders?: boolean;
  /** A broad rule that yields to a specific rule matching the same value. */
  readonly generic?: boolean;
  /** Only paths matching one of these globs are scanned by this rule (none = every path and text). */
  readonly paths?: readonly string[];
  /** Paths this rule never scans (lockfiles for the generic rules). */
  readonly notPaths?: readonly string[];
  /** Default: `error` for secrets and packaging leaks, `note` for attribution (see ruleSeverity). */
  readonly severity?: Severity;
  /**
   * `high` only when a match cannot be anything else: a checksum or key material that verifies, or a
   * vendor signature no other text has. Default: `medium` for a secret rule, `low` or `medium` (by the
   * value's strength) for a generic one, `high` for attribution and packaging (see findingConfidence).
   */
  readonly confidence?: Confidence;
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Checks a rule's shape once, at load time, so a malformed rule fails the test suite, not a scan. */
export function defineRule(rule: RegexRule): RegexRule {
  if (!ID.test(rule.id)) throw new Error(`rule id "${rule.id}" is not kebab-case`);
  if (!rule.pattern.global) throw new Error(`rule ${rule.id}: pattern needs the g flag`);
  if (rule.pattern.sticky) throw new Error(`rule ${rule.id}: pattern must not be sticky`);
  if (rule.quick?.global || rule.quick?.sticky)
    throw new Error(`rule ${rule.id}: quick must be neither global nor sticky`);
  if (rule.keywords.length === 0 && !rule.paths?.length) {
    throw new Error(`rule ${rule.id}: needs a keyword, or paths to limit it to`);
  }
  for (const k of rule.keywords) {
    if (k !== k.toLowerCase() || k.length < 2)
      throw new Error(`rule ${rule.id}: keyword "${k}" must be lower-case`);
  }
  return rule;
}

/** Lockfiles hold integrity hashes and resolved URLs, not secrets in assignments: generic rules skip them. */
export const LOCKFILES = [
  "**/package-lock.json",
  "**/npm-shrinkwrap.json",
  "**/yarn.lock",
  "**/pnpm-lock.yaml",
  "**/bun.lock",
  "**/Cargo.lock",
  "**/go.sum",
  "**/poetry.lock",
  "**/uv.lock",
  "**/Pipfile.lock",
  "**/composer.lock",
  "**/Gemfile.lock",
  "**/packages.lock.json",
];
