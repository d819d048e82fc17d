import { createHash, randomBytes } from "node:crypto";

/**
 * Internal names (codenames, hostnames, unreleased products) matched as whole words, case-insensitively,
 * also inside camelCase, snake_case and kebab-case identifiers: the term "project falcon" matches
 * "Project Falcon", "projectFalcon", "PROJECT_FALCON" and "project-falcon", but "falcon" does not match
 * "falconry".
 */

// Sub-words: "HTTPServer" -> HTTP, Server; "falconAPI2" -> falcon, API2; scripts without case stay whole.
const SUBWORD = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+\p{N}*|\p{Lu}+\p{N}*|[\p{Lo}\p{N}]+/gu;
// What may stand between two sub-words of one term: nothing (a camelCase join), or a short separator.
const JOIN = /^[ \t_.-]{0,3}$/;
const HASHED_MAX_WORDS = 3;

export const FORBIDDEN_TERM = {
  id: "forbidden-term",
  description: "Forbidden internal term (codename, hostname, product)",
} as const;
const CACHE_LIMIT = 200_000;

export function normaliseTerm(term: string): string {
  return term
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/** A fresh salt: one per list, so each distinct word of a scanned text is hashed once, not once per term. */
export function newSalt(): string {
  return randomBytes(8).toString("hex");
}

export function hashTerm(term: string, salt = newSalt()): string {
  if (!/^[A-Za-z0-9]{1,64}$/.test(salt)) throw new Error("the salt must be 1 to 64 letters or digits");
  const normalised = normaliseTerm(term);
  if (normalised.length < 2) throw new Error("a term needs at least two letters or digits");
  // The scanner hashes runs of at most HASHED_MAX_WORDS words: a longer term's hash could never match.
  const words = tokenize(term.normalize("NFKC")).length;
  if (words > HASHED_MAX_WORDS) {
    throw new Error(
      `"${term}" has ${words} words, and a hashed term can match at most ${HASHED_MAX_WORDS}, so its hash would ` +
        "never match: hash a shorter part of it, or list it in PATCHWRIGHT_FORBIDDEN_TERMS instead",
    );
  }
  return `sha256:${salt}:${sha256(`${salt}:${normalised}`)}`;
}

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export interface TermHit {
  index: number;
  value: string;
  hashed: boolean;
}

interface Token {
  start: number;
  end: number;
  lower: string;
}

export class TermMatcher {
  private readonly plain = new Set<string>();
  private readonly hashesBySalt = new Map<string, { hashes: Set<string>; seen: Map<string, boolean> }>();
  private readonly maxWords: number;
  private readonly prefilter: RegExp | undefined;

  constructor(terms: readonly string[], termHashes: readonly string[]) {
    let maxWords = 0;
    const firstWords = new Set<string>();
    for (const term of terms) {
      const words = tokenize(term.normalize("NFKC")).map((t) => t.lower);
      if (words.length === 0) continue;
      this.plain.add(words.join(""));
      firstWords.add(words[0]!);
      maxWords = Math.max(maxWords, words.length);
    }
    for (const entry of termHashes) {
      const [, salt, hash] = entry.split(":") as [string, string, string];
      let bucket = this.hashesBySalt.get(salt);
      if (!bucket) this.hashesBySalt.set(salt, (bucket = { hashes: new Set(), seen: new Map() }));
      bucket.hashes.add(hash);
      maxWords = Math.max(maxWords, HASHED_MAX_WORDS);
    }
    this.maxWords = maxWords;
    // Plain terms only: skip text that holds none of their first words. Hashed terms cannot be prefiltered.
    if (this.hashesBySalt.size === 0 && firstWords.size > 0) {
      const alternatives = [...firstWords].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      this.prefilter = new RegExp(alternatives.join("|"), "i");
    }
  }

  get active(): boolean {
    return this.maxWords > 0;
  }

  find(text: string): TermHit[] {
    if (!this.active || (this.prefilter && !this.prefilter.test(text))) return [];
    const tokens = tokenize(text);
    const hits: TermHit[] = [];
    for (let i = 0; i < tokens.length; i++) {
      let joined = "";
      for (let n = 0; n < this.maxWords && i + n < tokens.length; n++) {
        const tok = tokens[i + n]!;
        if (n > 0 && !JOIN.test(text.slice(tokens[i + n - 1]!.end, tok.start))) break;
        joined += tok.lower;
        const hashed = !this.plain.has(joined) && this.matchesHash(joined);
        if (hashed || this.plain.has(joined)) {
          hits.push({ index: tokens[i]!.start, value: text.slice(tokens[i]!.start, tok.end), hashed });
          i += n;
          break;
        }
      }
    }
    return hits;
  }

  private matchesHash(normalised: string): boolean {
    for (const [salt, bucket] of this.hashesBySalt) {
      let hit = bucket.seen.get(normalised);
      if (hit === undefined) {
        hit = bucket.hashes.has(sha256(`${salt}:${normalised}`));
        // Source text repeats its identifiers, so remembering the answer saves most hashing; bounded memory.
        if (bucket.seen.size >= CACHE_LIMIT) bucket.seen.clear();
        bucket.seen.set(normalised, hit);
      }
      if (hit) return true;
    }
    return false;
  }
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(SUBWORD)) {
    out.push({ start: m.index, end: m.index + m[0].length, lower: m[0].toLowerCase() });
  }
  return out;
}
