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
const CHAIN = new RegExp(`(?:${LITERAL})(?:${JOINER}(?:${LITERAL})){1,31}`, "g");
// A cheap test first: a closing quote, a joiner, an opening quote. Most blocks have none.
const JOINED = /["'`](?:\s{0,64}(?:\+|\.\.?|&|\|\||~)\s{0,64}|\s{1,64}|\\\r?\n\s{0,64})["'`]/;
const ONE_LITERAL = new RegExp(LITERAL, "g");

// 24 base64 characters decode to 18 bytes: shorter than any high-confidence token. Hex needs 32 digits.
const MIN_RUN = 24;
const LOWER = 1;
const UPPER = 2;
const NOT_HEX = 4;
/** Per UTF-16 code unit: 0 for a digit, LOWER or UPPER for a hex letter of that case, NOT_HEX for the rest. */
const HEX_KIND = new Uint8Array(65536).fill(NOT_HEX);
/** Each hex digit's value, and each base64 character's (both alphabets); -1 for the rest. */
const HEX_VALUE = new Int8Array(65536).fill(-1);
const BASE64_VALUE = new Int8Array(65536).fill(-1);
for (const [i, c] of [..."0123456789abcdef"].entries()) {
  HEX_KIND[c.charCodeAt(0)] = i < 10 ? 0 : LOWER;
  HEX_KIND[c.toUpperCase().charCodeAt(0)] = i < 10 ? 0 : UPPER;
  HEX_VALUE[c.charCodeAt(0)] = HEX_VALUE[c.toUpperCase().charCodeAt(0)] = i;
}
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries())
  BASE64_VALUE[c.charCodeAt(0)] = i;
BASE64_VALUE["-".charCodeAt(0)] = 62;
BASE64_VALUE["_".charCodeAt(0)] = 63;
/** 1 for the characters of base64 (both alphabets), and so of hex; by UTF-16 code unit, 0 for the rest. */
const ENCODED_CHAR = new Uint8Array(65536);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")
  ENCODED_CHAR[c.charCodeAt(0)] = 1;
const EQUALS = 0x3d;

export function derivedTexts(text: string): DerivedText[] {
  const texts: DerivedText[] = [];
  if (JOINED.test(text)) joinedLiterals(text, texts);
  decodedRuns(text, texts);
  return texts;
}

function joinedLiterals(text: string, texts: DerivedText[]): void {
  const chain = new RegExp(CHAIN);
  for (let m = chain.exec(text); m; m = chain.exec(text)) {
    // Each piece: where its content starts in the block and in the joined text.
    const pieces: { source: number; joined: number; length: number }[] = [];
    let joined = "";
    for (const lit of m[0].matchAll(new RegExp(ONE_LITERAL))) {
      const content = lit[0].slice(1, -1);
      pieces.push({ source: m.index + lit.index + 1, joined: joined.length, length: content.length });
      joined += content;
    }
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
}

/** Where an encoded run starts in the block, and where its decoded bytes start in the derived text. */
interface Run {
  source: number;
  decoded: number;
}

/**
 * The block's base64 runs decoded, and its hex runs, each kind as one text: the runs' decodings one per
 * line, so the rules run once per block and kind rather than once per run (a lockfile has thousands).
 */
function decodedRuns(text: string, texts: DerivedText[]): void {
  const found = encodedRuns(text);
  const hexRuns = new Uint8Array(found.length / 2);
  for (let r = 0; r < found.length; r += 2) hexRuns[r / 2] = isHexRun(text, found[r]!, found[r + 1]!) ? 1 : 0;
  for (const hex of [1, 0]) {
    const runs: Run[] = [];
    // Every run's bytes, a newline between two, made one latin1 string: one conversion per block and kind.
    let bytes = 0;
    for (let r = 0; r < found.length; r += 2) {
      if (hexRuns[r / 2] !== hex) continue;
      const at = found[r]!;
      const end = found[r + 1]!;
      // A run decodes to fewer bytes than it has characters.
      scratch = growTo(bytes + 1 + end - at, scratch, bytes);
      if (runs.length > 0) scratch[bytes++] = NEWLINE;
      runs.push({ source: at, decoded: bytes });
      bytes = hex
        ? decodeHexInto(text, at, end, scratch, bytes)
        : decodeBase64Into(text, at, end, scratch, bytes);
    }
    if (runs.length === 0) continue;
    const runAt = (i: number): Run => {
      let lo = 0;
      for (let hi = runs.length - 1; lo < hi;) {
        const mid = (lo + hi + 1) >> 1;
        if (runs[mid]!.decoded <= i) lo = mid;
        else hi = mid - 1;
      }
      return runs[lo]!;
    };
    texts.push({
      text: scratch.toString("latin1", 0, bytes),
      how: hex ? "hex-encoded" : "base64-encoded",
      toSource: (i, end) => {
        const run = runAt(end ? Math.max(0, i - 1) : i);
        const offset = i - run.decoded;
        return (
          run.source + (hex ? 2 * offset : end ? Math.ceil((offset * 4) / 3) : Math.floor((offset * 4) / 3))
        );
      },
      // A match across two runs' lines was made up by putting them side by side.
      isNew: (start, end) => runAt(start) === runAt(Math.max(start, end - 1)),
    });
  }
}

const NEWLINE = 0x0a;
/** Decoded bytes are gathered here, reused from one block to the next (each text copies what it needs). */
let scratch: Buffer = Buffer.allocUnsafe(64 * 1024);

/** `buffer`, or a larger copy of its first `used` bytes when it holds fewer than `size`. */
function growTo(size: number, buffer: Buffer, used: number): Buffer {
  if (size <= buffer.length) return buffer;
  const larger = Buffer.allocUnsafe(Math.max(size, 2 * buffer.length));
  buffer.copy(larger, 0, 0, used);
  return larger;
}

/** A hex run: an even number of digits, at least 32, all lower case or all upper case. */
function isHexRun(text: string, at: number, end: number): boolean {
  if (end - at < 32 || (end - at) % 2 !== 0) return false;
  let kinds = 0;
  for (let i = at; i < end; i++) {
    kinds |= HEX_KIND[text.charCodeAt(i)]!;
    if (kinds & NOT_HEX || (kinds & LOWER && kinds & UPPER)) return false;
  }
  return true;
}

/**
 * Base64 as Buffer.from decodes it (both alphabets, `=` ends it, a last lone character adds nothing), but
 * into `out` at `at` without a Buffer and a string per run. Returns where the bytes end.
 */
function decodeBase64Into(text: string, start: number, end: number, out: Buffer, at: number): number {
  let bits = 0;
  let held = 0;
  for (let i = start; i < end; i++) {
    const value = BASE64_VALUE[text.charCodeAt(i)]!;
    if (value < 0) break;
    held = ((held & 0x3ffff) << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (held >> bits) & 0xff;
    }
  }
  return at;
}

function decodeHexInto(text: string, start: number, end: number, out: Buffer, at: number): number {
  for (let i = start; i < end; i += 2)
    out[at++] = (HEX_VALUE[text.charCodeAt(i)]! << 4) | HEX_VALUE[text.charCodeAt(i + 1)]!;
  return at;
}

/**
 * [start, end) of each run of base64 characters at least MIN_RUN long, with up to two `=` after it, as
 * pairs in one array. Such a run holds one of every MIN_RUN positions, so only those are looked at first,
 * and the run grown from there: most text is short words, and this reads a fraction of its characters.
 */
function encodedRuns(text: string): number[] {
  const found: number[] = [];
  const length = text.length;
  for (let probe = MIN_RUN - 1; probe < length; probe += MIN_RUN) {
    if (ENCODED_CHAR[text.charCodeAt(probe)] !== 1) continue;
    let end = probe + 1;
    while (end < length && ENCODED_CHAR[text.charCodeAt(end)] === 1) end++;
    // What lies left of the probe was looked at only at earlier probes: the run's start is found here.
    let start = probe;
    while (start > 0 && ENCODED_CHAR[text.charCodeAt(start - 1)] === 1) start--;
    // A shorter word holds no other probe: the next one is past it.
    if (end - start < MIN_RUN) continue;
    const run = end;
    while (end < length && end - run < 2 && text.charCodeAt(end) === EQUALS) end++;
    found.push(start, end);
    // The next run starts at `end` or later, so it holds one of end + MIN_RUN - 1, end + 2 MIN_RUN - 1...
    probe = end - 1;
  }
  return found;
}
