/**
 * Text a secret can hide in without ever appearing whole: string literals joined by an operator or by
 * juxtaposition (`"AKIA" + "…"`, Python's and C's `"ghp_" "…"`, across lines), and base64 or hex runs
 * that decode to it. Each derived text maps its offsets back to the block, so a finding points at the
 * source. Everything here is one linear pass: every quantifier is bounded and nothing is nested.
 */
export interface DerivedText {
  text: string;
  /** How the text was derived, for the finding's message. */
  how: string;
  /** The block offset of the derived text's offset `i` (`end`: of the character before it, plus one). */
  toSource(i: number, end: boolean): number;
  /**
   * Whether a hit at [start, end) of the derived text is news: not something the block's own scan saw (one
   * literal of a join), nor made up by derivation (two decoded runs side by side).
   */
  isNew(start: number, end: number): boolean;
}

// A literal ends at its quote or at the end of the line, template literals too: one that spans lines
// would swallow the code after a Markdown fence (three backticks). One with `${` is not static text.
const LITERAL = String.raw`"(?:[^"\\\n]|\\.){0,512}"|'(?:[^'\\\n]|\\.){0,512}'|\`(?:[^\`\\$\n]|\\.|\$(?!\{)){0,512}\``;
// What joins two literals: nothing but space (Python, C), `+`, PHP's `.`, Lua's `..`, VB's `&`, SQL's `||`,
// D's `~`, each with line breaks and `\` continuations around it.
const SPACE = String.raw`(?:\s|\\(?=\r?\n)){0,64}`;
const JOINER = String.raw`${SPACE}(?:(?:\+|\.\.?|&|\|\||~)${SPACE})?`;
/** Literals joined, tried where a literal may start. */
const CHAIN = new RegExp(`(?:${LITERAL})(?:${JOINER}(?:${LITERAL})){1,31}`, "y");
/** What follows a quote that ends a joined literal: a joiner and the next literal's quote. */
const JOINED_AFTER = new RegExp(`${JOINER}["'\`]`, "y");
const ONE_LITERAL = new RegExp(LITERAL, "g");
const QUOTES = ['"', "'", "`"];
const isQuote = (c: number): boolean => c === 0x22 || c === 0x27 || c === 0x60;
/** What JOINED_AFTER can start with: space (`\s`), `\` before a line break, a joiner, a quote. */
const MAY_FOLLOW_LITERAL = /[\s\\+.&|~"'`]/;
const MAY_FOLLOW_ASCII = Uint8Array.from({ length: 128 }, (_, c) =>
  MAY_FOLLOW_LITERAL.test(String.fromCharCode(c)) ? 1 : 0,
);

/**
 * The fewest bytes a high-confidence token has (a test checks every rule's true positives): decoded text
 * is kept only in stretches of at least this many ASCII bytes, the only bytes a token is made of.
 */
export const MIN_TOKEN_BYTES = 18;
/**
 * Whole 4-character groups a stretch of MIN_TOKEN_BYTES ASCII bytes always holds at any alignment: at most
 * 2 of its bytes fall in a group it shares with the bytes before it, and 2 in the group after it.
 */
const MIN_GROUPS = Math.floor((MIN_TOKEN_BYTES - 4) / 3);
/**
 * Text is probed 4 characters at a time, every PROBE_STEP characters: the 16 characters of MIN_GROUPS
 * groups, and the 36 digits of MIN_TOKEN_BYTES hex bytes, always hold one whole probe.
 */
const PROBE_STEP = 4 * MIN_GROUPS - 3;

/** Each base64 character's value (both alphabets), by UTF-16 code unit; -1 for the rest. */
const BASE64_VALUE = new Int8Array(65536).fill(-1);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries())
  BASE64_VALUE[c.charCodeAt(0)] = i;
BASE64_VALUE["-".charCodeAt(0)] = 62;
BASE64_VALUE["_".charCodeAt(0)] = 63;
/**
 * Per base64 character, bit `r` set when, as the `r`th character of a group, it leaves the top bit of the
 * byte it starts clear: the first character holds the first byte's top bit as its bit 5, the second the
 * second byte's as its bit 3, the third the third byte's as its bit 1; the fourth starts no byte.
 */
const ASCII_AT = new Uint8Array(65536);
/** Each hex digit's value: of lower-case digits in HEX_LOWER, of upper-case ones in HEX_UPPER; -1 for the rest. */
const HEX_LOWER = new Int8Array(65536).fill(-1);
const HEX_UPPER = new Int8Array(65536).fill(-1);
for (const [i, c] of [..."0123456789abcdef"].entries()) {
  HEX_LOWER[c.charCodeAt(0)] = i;
  HEX_UPPER[c.toUpperCase().charCodeAt(0)] = i;
}
/**
 * PROBE[j][c]: what character `c`, `j` characters into a probe, allows. Bit `r` (0 to 3): that the probe
 * starts at the `r`th character of an ASCII base64 group. Bit 4 + `p`: that it starts at the `p`th digit of
 * a lower-case hex byte below 0x80; bit 6 + `p`, the same in upper case.
 */
const PROBE = [0, 1, 2, 3].map(() => new Uint8Array(65536));
const hexAt = (value: number, at: number): number => (value >= 0 && (at === 1 || value < 8) ? 1 : 0);
// Every base64 character and hex digit is ASCII: the rest of each table stays 0.
for (let c = 0; c < 128; c++) {
  const v = BASE64_VALUE[c]!;
  if (v >= 0) ASCII_AT[c] = (v < 32 ? 1 : 0) | (v & 8 ? 0 : 2) | (v & 2 ? 0 : 4) | 8;
  for (let j = 0; j < 4; j++) {
    let bits = 0;
    for (let r = 0; r < 4; r++) bits |= ((ASCII_AT[c]! >> ((r + j) % 4)) & 1) << r;
    for (let p = 0; p < 2; p++) {
      bits |= hexAt(HEX_LOWER[c]!, (p + j) % 2) << (4 + p);
      bits |= hexAt(HEX_UPPER[c]!, (p + j) % 2) << (6 + p);
    }
    PROBE[j]![c] = bits;
  }
}
const [PROBE0, PROBE1, PROBE2, PROBE3] = PROBE as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];

export function derivedTexts(text: string): DerivedText[] {
  const texts: DerivedText[] = [];
  const joins = joinsIn(text);
  if (joins.length > 0) joinedLiterals(text, joins, texts);
  decodedRuns(text, texts);
  return texts;
}

/**
 * The offsets of the quotes a joiner and another quote follow, in order: where one literal may be joined
 * to the next. Quotes are found by indexOf, which V8 runs far faster than a regular expression can step
 * through the text, and most are followed by neither space, joiner nor quote.
 */
function joinsIn(text: string): number[] {
  const joins: number[] = [];
  for (const quote of QUOTES) {
    for (let q = text.indexOf(quote); q >= 0; q = text.indexOf(quote, q + 1)) {
      if (!mayFollowLiteral(text, q + 1)) continue;
      JOINED_AFTER.lastIndex = q + 1;
      if (JOINED_AFTER.test(text)) joins.push(q);
    }
  }
  return joins.sort((a, b) => a - b);
}

/** Whether the character at `at` may follow a joined literal: a table for ASCII, the class beyond. */
function mayFollowLiteral(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c < 128 ? MAY_FOLLOW_ASCII[c] === 1 : MAY_FOLLOW_LITERAL.test(text.charAt(at));
}

/**
 * Each chain of joined literals, found as a search from the block's start would find them, but tried only
 * at the quotes on a join's line up to the join: a chain's first literal ends at a join, on the line it
 * starts on (a literal never spans lines), and the chains found earlier cover what they cover.
 */
function joinedLiterals(text: string, joins: number[], texts: DerivedText[]): void {
  let covered = 0;
  // The start of the line the current join is on, and the next newline after it: found going forward
  // once through the text, not by a search back from each join (quadratic on a long line of joins).
  let lineStart = 0;
  let newline = text.indexOf("\n");
  for (const join of joins) {
    if (join < covered) continue;
    while (newline >= 0 && newline < join) {
      lineStart = newline + 1;
      newline = text.indexOf("\n", lineStart);
    }
    for (let q = Math.max(covered, lineStart); q <= join; q++) {
      if (!isQuote(text.charCodeAt(q))) continue;
      CHAIN.lastIndex = q;
      const m = CHAIN.exec(text);
      if (!m) continue;
      covered = q + m[0].length;
      addChain(q, m[0], texts);
      break;
    }
    covered = Math.max(covered, join + 1);
  }
}

/** The chain of literals matched at `at`, joined, unless at most one of them holds anything. */
function addChain(at: number, chain: string, texts: DerivedText[]): void {
  // Each piece: where its content starts in the block and in the joined text. Empty ones add nothing.
  const pieces: { source: number; joined: number; length: number }[] = [];
  let joined = "";
  for (const lit of chain.matchAll(new RegExp(ONE_LITERAL))) {
    const content = lit[0].slice(1, -1);
    if (content.length === 0) continue;
    pieces.push({ source: at + lit.index + 1, joined: joined.length, length: content.length });
    joined += content;
  }
  // A Python docstring (`"""…"""`) is literals joined to empty ones: nothing in it is split.
  if (pieces.length < 2) return;
  const pieceAt = (i: number): number => {
    let p = 0;
    while (p + 1 < pieces.length && pieces[p + 1]!.joined <= i) p++;
    return p;
  };
  texts.push({
    text: joined,
    how: "split across joined string literals",
    toSource: (i, end) => {
      const piece = pieces[pieceAt(end ? Math.max(0, i - 1) : i)]!;
      return piece.source + (end ? i - 1 : i) - piece.joined + (end ? 1 : 0);
    },
    // Within one literal the block's own scan saw it.
    isNew: (start, end) => pieceAt(start) !== pieceAt(Math.max(start, end - 1)),
  });
}

/**
 * Where a decoded stretch's bytes sit in the derived text, and its grid: the block offset of the group the
 * grid starts at, and the derived text's offset of that group's first byte (which may lie before `at`).
 */
interface Stretch {
  at: number;
  source: number;
  decoded: number;
}

/**
 * The block's base64 and hex decoded, each encoding as one text: a line per stretch of ASCII bytes, so the
 * rules run once per block and encoding rather than once per run (a lockfile has thousands). A token is
 * made of ASCII bytes, so only stretches that can hold MIN_TOKEN_BYTES of them are decoded: an integrity
 * hash or a random blob is probed, not decoded. Every alignment is tried, so an encoding glued to a word
 * or cut anywhere still decodes from where it starts.
 */
function decodedRuns(text: string, texts: DerivedText[]): void {
  const hex = HEX_STRETCHES.reset();
  const base64 = BASE64_STRETCHES.reset();
  // Per grid (base64's 4 alignments, then each hex case's 2), where the last stretch looked at ends.
  const covered = new Int32Array(8);
  for (let q = 0; q + 4 <= text.length; q += PROBE_STEP) {
    let allows = probe(text, q);
    if (allows === 0) continue;
    // A stretch through the probe also holds the 4 characters before it or the 4 after it, which allow
    // the same grids (4 is a whole number of groups and of hex bytes).
    allows &= (q >= 4 ? probe(text, q - 4) : 0) | (q + 8 <= text.length ? probe(text, q + 4) : 0);
    for (let r = 0; r < 4; r++) if (allows & (1 << r)) base64Stretch(text, q, r, covered, base64);
    for (let p = 0; p < 4; p++) if (allows & (16 << p)) hexStretch(text, q, p, covered, hex);
  }
  if (hex.list.length > 0) texts.push(stretchesText(hex, "hex-encoded", 2, 1));
  if (base64.list.length > 0) texts.push(stretchesText(base64, "base64-encoded", 4, 3));
}

/** The stretches of one encoding as one derived text, `chars` characters encoding `bytes` bytes. */
function stretchesText(out: Stretches, how: string, chars: number, bytes: number): DerivedText {
  const { list } = out;
  const stretchAt = (i: number): Stretch => {
    let lo = 0;
    for (let hi = list.length - 1; lo < hi;) {
      const m = (lo + hi + 1) >> 1;
      if (list[m]!.at <= i) lo = m;
      else hi = m - 1;
    }
    return list[lo]!;
  };
  return {
    text: out.text(),
    how,
    toSource: (i, end) => {
      const s = stretchAt(end ? Math.max(0, i - 1) : i);
      const scaled = (i - s.decoded) * chars;
      return s.source + (end ? Math.ceil(scaled / bytes) : Math.floor(scaled / bytes));
    },
    // A match across two stretches' lines was made up by putting them side by side.
    isNew: (start, end) => stretchAt(start) === stretchAt(Math.max(start, end - 1)),
  };
}

/** What the 4 characters from `q` allow (see PROBE): four independent look-ups and one branch after. */
function probe(text: string, q: number): number {
  return (
    PROBE0[text.charCodeAt(q)]! &
    PROBE1[text.charCodeAt(q + 1)]! &
    PROBE2[text.charCodeAt(q + 2)]! &
    PROBE3[text.charCodeAt(q + 3)]!
  );
}

const NEWLINE = 0x0a;

/**
 * The stretches of one encoding in one block, their bytes a newline apart in a buffer kept from one block
 * to the next (the text made of them is a copy). One per encoding: a block's scan never yields.
 */
class Stretches {
  list: Stretch[] = [];
  private bytes = Buffer.allocUnsafe(4096);
  private used = 0;

  /** Empties it for the next block. */
  reset(): this {
    this.list = [];
    this.used = 0;
    return this;
  }

  /** Starts a stretch whose grid starts at block offset `source`, its first byte `skip` bytes into it. */
  open(source: number, skip: number): void {
    if (this.list.length > 0) this.push(NEWLINE);
    this.list.push({ at: this.used, source, decoded: this.used - skip });
  }

  push(byte: number): void {
    if (this.used === this.bytes.length) {
      const larger = Buffer.allocUnsafe(2 * this.bytes.length);
      this.bytes.copy(larger, 0, 0, this.used);
      this.bytes = larger;
    }
    this.bytes[this.used++] = byte;
  }

  text(): string {
    return this.bytes.toString("latin1", 0, this.used);
  }
}

const HEX_STRETCHES = new Stretches();
const BASE64_STRETCHES = new Stretches();

/** Whether the group at `g` decodes to 3 ASCII bytes. */
function asciiGroup(text: string, g: number): boolean {
  return (
    (ASCII_AT[text.charCodeAt(g)]! & 1) !== 0 &&
    (ASCII_AT[text.charCodeAt(g + 1)]! & 2) !== 0 &&
    (ASCII_AT[text.charCodeAt(g + 2)]! & 4) !== 0 &&
    ASCII_AT[text.charCodeAt(g + 3)] !== 0
  );
}

/**
 * The stretch of ASCII base64 groups through a probe at `q` that starts `r` characters into a group, if it
 * has MIN_GROUPS of them, with the ASCII bytes of the groups on either side, decoded as Buffer.from
 * decodes (`=` ends the encoding, a last lone character adds nothing). Random bytes pass a group's test
 * one time in 8, so a probe into them rarely gets here, and the stretch it finds is short.
 */
function base64Stretch(text: string, q: number, r: number, covered: Int32Array, out: Stretches): void {
  const g = q - r;
  if (g < 0 || g < covered[g & 3]!) return;
  // Every stretch through the probe holds the one or two groups its characters fall in, whole.
  let hi = r === 0 ? g + 4 : g + 8;
  if (hi > text.length || !asciiGroup(text, g) || (r > 0 && !asciiGroup(text, g + 4))) return;
  let lo = g;
  while (lo >= 4 && asciiGroup(text, lo - 4)) lo -= 4;
  while (hi + 4 <= text.length && asciiGroup(text, hi)) hi += 4;
  covered[g & 3] = hi;
  if (hi - lo < 4 * MIN_GROUPS) return;
  // The group before adds the ASCII bytes at its end, when it is base64 throughout.
  const before = lo - 4;
  let skip = 3;
  if (before >= 0 && base64Chars(text, before, 4) === 4)
    while (skip > 0 && groupByte(text, before, skip - 1) < 0x80) skip--;
  out.open(before, skip);
  for (let at = before; at < hi; at += 4)
    for (let b = at === before ? skip : 0; b < 3; b++) out.push(groupByte(text, at, b));
  // The group after adds the ASCII bytes at its start, as many as its base64 characters make.
  const made = base64Chars(text, hi, 4) - 1;
  for (let b = 0; b < made; b++) {
    const byte = groupByte(text, hi, b);
    if (byte >= 0x80) break;
    out.push(byte);
  }
}

/** How many of the `most` characters from `at` on are base64, counted up to the first that is not. */
function base64Chars(text: string, at: number, most: number): number {
  let n = 0;
  while (n < most && at + n < text.length && ASCII_AT[text.charCodeAt(at + n)] !== 0) n++;
  return n;
}

/** Byte `b` (0 to 2) of the base64 group at `g`, whose characters up to that byte are base64. */
function groupByte(text: string, g: number, b: number): number {
  const high = base64Value(text, g + b);
  const low = base64Value(text, g + b + 1);
  return ((high << (2 + 2 * b)) | (low >> (4 - 2 * b))) & 0xff;
}

/** The value of the base64 character at `i`; 0 past the text's end or for any other character. */
function base64Value(text: string, i: number): number {
  return i < text.length ? Math.max(0, BASE64_VALUE[text.charCodeAt(i)]!) : 0;
}

/**
 * The stretch of hex bytes below 0x80 through a probe at `q`, of the case and alignment `p` tells (bit 0:
 * the probe starts at the second digit of a byte; bit 1: upper case), if it has MIN_TOKEN_BYTES of them.
 */
function hexStretch(text: string, q: number, p: number, covered: Int32Array, out: Stretches): void {
  const value = p & 2 ? HEX_UPPER : HEX_LOWER;
  // The first byte whose two digits are both in the probe.
  const first = q + (p & 1);
  const grid = 4 + (p & 2) + (first & 1);
  if (first < covered[grid]!) return;
  let lo = first;
  while (lo >= 2 && asciiHexByte(text, lo - 2, value)) lo -= 2;
  let hi = first + 2;
  while (hi + 2 <= text.length && asciiHexByte(text, hi, value)) hi += 2;
  covered[grid] = hi;
  if (hi - lo < 2 * MIN_TOKEN_BYTES) return;
  out.open(lo, 0);
  for (let at = lo; at < hi; at += 2)
    out.push((value[text.charCodeAt(at)]! << 4) | value[text.charCodeAt(at + 1)]!);
}

/** Whether the two digits at `at` (of the case `value` reads) make a byte below 0x80. */
function asciiHexByte(text: string, at: number, value: Int8Array): boolean {
  const high = value[text.charCodeAt(at)]!;
  return high >= 0 && high < 8 && value[text.charCodeAt(at + 1)]! >= 0;
}
