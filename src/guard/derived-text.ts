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
  /** Whether [start, end) of the derived text lies in one piece of source (then the block's own scan saw it). */
  inOnePiece(start: number, end: number): boolean;
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
const ENCODED_RUN = /[A-Za-z0-9+/_-]{24,}={0,2}/g;
const HEX = /^(?:[0-9a-f]{2}){16,}$|^(?:[0-9A-F]{2}){16,}$/;

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
      inOnePiece: (start, end) => pieceAt(start) === pieceAt(Math.max(start, end - 1)),
    };
  }
}

function* decodedRuns(text: string): Generator<DerivedText> {
  const run = new RegExp(ENCODED_RUN);
  for (let m = run.exec(text); m; m = run.exec(text)) {
    const at = m.index;
    const hex = HEX.test(m[0]);
    const decoded = hex ? Buffer.from(m[0], "hex") : Buffer.from(m[0], "base64");
    // A run of random bytes decodes to nothing a rule matches; the prefilter drops it at once.
    yield {
      text: decoded.toString("latin1"),
      how: hex ? "hex-encoded" : "base64-encoded",
      toSource: hex
        ? (i) => at + 2 * i
        : (i, end) => at + (end ? Math.ceil((i * 4) / 3) : Math.floor((i * 4) / 3)),
      inOnePiece: () => false,
    };
  }
}
