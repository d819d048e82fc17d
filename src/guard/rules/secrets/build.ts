import { defineRule, type RegexRule } from "../rule.js";
import { NOT_AFTER_TOKEN, NOT_BEFORE_TOKEN } from "../rule-helpers.js";

/**
 * Edges of a token whose alphabet is [A-Za-z0-9_-]. Unlike NOT_AFTER_TOKEN, `=`, `/` and `.` may come
 * before it, so `TOKEN=ghp_…`, `?key=AIza…` and `https://api.telegram.org/bot…` still match.
 */
export const START = "(?<![A-Za-z0-9_-])";
export const END = "(?![A-Za-z0-9_-])";
/** Edges of a base64 value: `=` may come before it (an assignment), never after it (padding). */
export const B64_START = "(?<![A-Za-z0-9+/])";
export const B64_END = NOT_BEFORE_TOKEN;
export { NOT_AFTER_TOKEN, NOT_BEFORE_TOKEN };

/** `KEY = value`, `KEY: value`, `"key": "value"`, `key => 'value'`, `key := "value"` up to the value. */
export const ASSIGN = "[\"'`\\]]{0,2}[ \\t]{0,4}(?::=|=>|=(?![=~])|:(?!:))[ \\t]{0,4}[\"'`]?";

export type SecretRuleSpec = Omit<RegexRule, "category" | "pattern"> & {
  /** Regex source; compiled with the `g` flag plus `flags`. */
  readonly pattern: string;
  readonly flags?: string;
};

export function secretRule({ pattern, flags = "", ...rest }: SecretRuleSpec): RegexRule {
  return defineRule({ ...rest, category: "secret", pattern: new RegExp(pattern, `g${flags}`) });
}

/** A token made distinctive by its literal prefix, bounded on both sides as a [A-Za-z0-9_-] token. */
export function prefixedToken(
  id: string,
  description: string,
  keywords: readonly string[],
  body: string,
  extra: Partial<Omit<SecretRuleSpec, "id" | "description" | "keywords" | "pattern">> = {},
): RegexRule {
  return secretRule({ id, description, keywords, pattern: `${START}${body}${END}`, ...extra });
}

/** Decodes base64 or base64url; undefined when the text is not in either alphabet. */
export function decodeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** Decodes percent-encoding; the text as it is when it is not valid percent-encoding. */
export function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Length of the longest run of base64 characters: key material comes in long unbroken lines. */
export function longestBase64Run(text: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const b64 =
      (c >= 48 && c <= 57) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 43 ||
      c === 47 ||
      c === 61;
    // A JSON-escaped line break (`\n`) ends a run like a real one.
    if (b64 && !(c === 110 && text.charCodeAt(i - 1) === 92)) {
      run++;
      if (run > best) best = run;
    } else run = 0;
  }
  return best;
}

/** Key material: long base64 lines with enough distinct characters (not `AAAA…` or a short stub). */
export function looksLikeKeyMaterial(text: string): boolean {
  const body = text.replace(/-----[A-Z0-9 ]{1,60}-----/g, "").replace(/\\[nr]|\s/g, "");
  return longestBase64Run(text) >= 40 && body.length >= 64 && new Set(body).size >= 20;
}
