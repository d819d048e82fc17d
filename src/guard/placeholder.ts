// Values that only stand in for a secret: templates, environment look-ups, documented examples, masks.
const TEMPLATE =
  /\$\{[^}]*\}|\{\{[^}]*\}\}|\$\([A-Za-z_][A-Za-z0-9_.]*\)|#\{[^}]*\}|<[A-Za-z][A-Za-z0-9 _.-]{0,40}>|^<[^>]*>$|^%[A-Za-z_][A-Za-z0-9_]*%$|^\$[A-Za-z_][A-Za-z0-9_]*$|^@[A-Za-z_][A-Za-z0-9_.]*@$|^__[A-Z][A-Z0-9_]*__$/;
const ENV_LOOKUP =
  /process\.env|import\.meta\.env|os\.environ|getenv|\bENV\[|System\.getenv|env\(|secrets\./i;
// One case: `xXxX` in a random token is chance, `xxxx` or `XXXX` a mask.
const MASK = /x{4,}|X{4,}|\*{3,}|\.{3,}|•{3,}|_{4,}|#{4,}/;
const WORDS =
  /example|sample|placeholder|changeme|change_me|replace[_-]?(?:me|with|this)|your[_-]?(?:api|token|key|secret|password|own|access|client|app|auth|bot|private|account)|(?:put|enter|insert|add)[_-]?(?:your|key|token|here)|dummy|redacted|<secret>|fixme|todo|qwerty|asdfgh|not[_-]?a[_-]?real|fake[_-]?(?:key|token|secret|password)/i;
// Strings of letters and digits: a token's random part, without its prefix and separators.
const SEGMENT = /[A-Za-z0-9]{8,}/g;

export function isPlaceholder(value: string): boolean {
  if (TEMPLATE.test(value) || ENV_LOOKUP.test(value) || MASK.test(value) || WORDS.test(value)) return true;
  if (new Set(value).size <= 3) return true;
  // Filler must make most of the value: a real token's encoded binary can hold a run of `AAAAAAAA`.
  let typed = 0;
  for (const segment of value.match(SEGMENT) ?? []) if (isTypedFiller(segment)) typed += segment.length;
  return typed > 0 && typed * 2 >= value.replace(/[^A-Za-z0-9]/g, "").length;
}

/**
 * A run of letters or digits a person typed to fill a token's shape: one character repeated (`0000…`),
 * counting (`abcdef`, `1234567890123`), a short unit repeated (`abcd1234abcd1234`), or short counting runs
 * back to back (`abcd1234efgh5678`), covering most of the segment. Each test needs a length at which a
 * random value, even of digits only, essentially never passes (see test/guard/placeholder.test.ts).
 */
export function isTypedFiller(segment: string): boolean {
  const n = segment.length;
  const covered = Math.max(longestCountingRun(segment), longestRepeat(segment));
  if (covered >= 8 && covered * 2 >= n) return true;
  // Back-to-back counting runs: over digits alone, chance makes short runs too often to count them.
  return n >= 12 && /[A-Za-z]/.test(segment) && countingRuns(segment) * 3 <= n;
}

/** The next character in counting: `a`→`b`, `9`→`0` (as in 1234567890), or the same one again. */
function follows(prev: number, next: number): boolean {
  return next === prev || next === prev + 1 || (prev === 57 && next === 48);
}

function longestCountingRun(s: string): number {
  let best = 1;
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    run = follows(s.charCodeAt(i - 1), s.charCodeAt(i)) ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

function countingRuns(s: string): number {
  let runs = 1;
  for (let i = 1; i < s.length; i++) if (!follows(s.charCodeAt(i - 1), s.charCodeAt(i))) runs++;
  return runs;
}

/**
 * The longest substring made of a unit of 2 to 16 characters repeated: at least three times, or twice
 * when that covers 12 characters or more (a random digit string repeats a short unit by chance).
 */
function longestRepeat(s: string): number {
  let best = 0;
  for (let p = 2; p <= Math.min(16, s.length >> 1); p++) {
    let run = 0;
    for (let i = p; i < s.length; i++) {
      run = s[i] === s[i - p] ? run + 1 : 0;
      const length = run + p;
      if (run >= p && (run >= 2 * p || length >= 12) && length > best) best = length;
    }
  }
  return best;
}
