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
const HEX = /^(?:[0-9a-f]{2}){16,}$|^(?:[0-9A-F]{2}){16,}$/;
/** 1 for the characters of base64 (both alphabets), and so of hex; by UTF-16 code unit, 0 for the rest. */
const ENCODED_CHAR = new Uint8Array(65536);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")
  ENCODED_CHAR[c.charCodeAt(0)] = 1;
const EQUALS = 0x3d;

export function* derivedTexts(text: string): Generator<DerivedText> {
  if (JOINED.test(text)) yield* joinedLiterals(text);
  yield* decodedRuns(text);
}

function* joinedLiterals(text: string): Generator<DerivedText> {
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
    yield {
      text: joined,
      how: "split across joined string literals",
      toSource: (i, end) => {
        const piece = pieces[pieceAt(end ? Math.max(0, i - 1) : i)]!;
        return piece.source + (end ? i - 1 : i) - piece.joined + (end ? 1 : 0);
      },
      // Within one literal the block's own scan saw it.
      isNew: (start, end) => pieceAt(start) !== pieceAt(Math.max(start, end - 1)),
    };
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
function* decodedRuns(text: string): Generator<DerivedText> {
  const kinds = {
    hex: { runs: [] as Run[], parts: [] as string[], length: 0 },
    base64: { runs: [] as Run[], parts: [] as string[], length: 0 },
  };
  for (const [at, end] of encodedRuns(text)) {
    const run = text.slice(at, end);
    const hex = HEX.test(run);
    const kind = hex ? kinds.hex : kinds.base64;
    const decoded = Buffer.from(run, hex ? "hex" : "base64").toString("latin1");
    kind.runs.push({ source: at, decoded: kind.length });
    kind.parts.push(decoded);
    kind.length += decoded.length + 1;
  }
  for (const [name, kind] of Object.entries(kinds)) {
    if (kind.runs.length === 0) continue;
    const { runs } = kind;
    const hex = name === "hex";
    const runAt = (i: number): Run => {
      let lo = 0;
      for (let hi = runs.length - 1; lo < hi;) {
        const mid = (lo + hi + 1) >> 1;
        if (runs[mid]!.decoded <= i) lo = mid;
        else hi = mid - 1;
      }
      return runs[lo]!;
    };
    yield {
      text: kind.parts.join("\n"),
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
    };
  }
}

/**
 * [start, end) of each run of base64 characters at least MIN_RUN long, with up to two `=` after it. Such a
 * run holds one of every MIN_RUN positions, so only those are looked at first, and the run grown from
 * there: most text is short words, and this reads a fraction of its characters.
 */
function* encodedRuns(text: string): Generator<[number, number]> {
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
    yield [start, end];
    // The next run starts at `end` or later, so it holds one of end + MIN_RUN - 1, end + 2 MIN_RUN - 1...
    probe = end - 1;
  }
}
