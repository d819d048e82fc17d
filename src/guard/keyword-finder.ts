const ALPHABET = 128;
/** Below this length a text is walked once, start to end: two walks would not pay for their set-up. */
const TWO_WALKS_MIN = 256;

/**
 * Finds which of a set of lower-case ASCII keywords occur in a text, in any ASCII case, in one pass over
 * it (an Aho–Corasick automaton with every transition precomputed, so each character costs one table
 * look-up). A regular expression alternating hundreds of keywords tries them at every position, which
 * made it the costliest part of a scan.
 */
export class KeywordFinder {
  /**
   * `next[state * 128 + char]`: the state after reading `char` (folded to lower case) in `state`, itself
   * times 128, so the search loop adds the next character without a multiplication; bitwise negated
   * (negative) when a keyword ends there, so the loop tells that from the one value it has just read.
   */
  private readonly next: Int32Array;
  /** The keywords that end at each state: its own and those of its suffixes. */
  private readonly ends: (readonly number[] | undefined)[];
  /** The anchor keywords that end at each state (see `anchorHits`). */
  private readonly anchorsAt: (readonly number[] | undefined)[];
  private readonly lengths: Int32Array;
  /**
   * After each `find`: every occurrence of an anchor keyword, as pairs of its index and the offset where
   * it starts, in the order the occurrences end. Other keywords are only told once each.
   */
  readonly anchorHits: number[] = [];
  /** Per state, the search that last reported its keywords: a state seen again costs nothing. */
  private readonly seenIn: Uint32Array;
  private search = 0;
  /** The longest keyword's length. */
  private readonly longest: number;
  /** The text being searched, a byte per UTF-16 unit (see `find`); grown to the longest text seen. */
  private bytes = Buffer.alloc(0);

  private static readonly built = new Map<string, KeywordFinder>();

  /**
   * The finder for these keywords, built once: a guard is made per text in some callers (scanText), and
   * the rule set, hence the keywords, is nearly always the same. Sharing is safe: `find` never yields.
   */
  static for(keywords: readonly string[], anchors: ReadonlySet<string> = new Set()): KeywordFinder {
    const key = `${keywords.join("\n")}\n\n${[...anchors].join("\n")}`;
    let finder = KeywordFinder.built.get(key);
    if (!finder) {
      if (KeywordFinder.built.size >= 8) KeywordFinder.built.delete(KeywordFinder.built.keys().next().value!);
      KeywordFinder.built.set(key, (finder = new KeywordFinder(keywords, anchors)));
    }
    return finder;
  }

  /** `anchors`: the keywords whose every occurrence is wanted, not only whether they occur. */
  constructor(
    readonly keywords: readonly string[],
    anchors: ReadonlySet<string> = new Set(),
  ) {
    const children: Map<number, number>[] = [new Map<number, number>()];
    const own: number[][] = [[]];
    keywords.forEach((k, index) => {
      if (k.length === 0 || /[^\x20-\x7e]/.test(k) || k !== k.toLowerCase()) {
        throw new Error(`keyword "${k}" must be printable lower-case ASCII`);
      }
      let state = 0;
      for (const ch of k) {
        const c = ch.charCodeAt(0);
        let child = children[state]!.get(c);
        if (child === undefined) {
          child = children.length;
          children.push(new Map<number, number>());
          own.push([]);
          children[state]!.set(c, child);
        }
        state = child;
      }
      own[state]!.push(index);
    });
    const states = children.length;
    const next = (this.next = new Int32Array(states * ALPHABET));
    const ends: number[][] = own.map((o) => [...o]);
    const fail = new Int32Array(states);
    // Whether a keyword ends at a state: its own, or one its failure state ends (a suffix of it).
    const ending = new Uint8Array(states);
    // Each transition is written in its final form at once (see `next`): whether a keyword ends where it
    // leads is known by then, from the state's own keywords and its failure state's, which is shallower.
    const to = (child: number): number => (ending[child] ? ~(child * ALPHABET) : child * ALPHABET);
    const stateOf = (entry: number): number => (entry < 0 ? ~entry : entry) / ALPHABET;
    // Breadth first: a state's failure link is complete before its children need it.
    const queue: number[] = [];
    for (const [c, child] of children[0]!) {
      ending[child] = own[child]!.length > 0 ? 1 : 0;
      next[c] = to(child);
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const failed = fail[state]!;
      ends[state]!.push(...ends[failed]!);
      // Where this state has no child, it goes where its failure state goes: copy that row, then its children.
      next.copyWithin(state * ALPHABET, failed * ALPHABET, failed * ALPHABET + ALPHABET);
      for (const [c, child] of children[state]!) {
        fail[child] = stateOf(next[failed * ALPHABET + c]!);
        ending[child] = own[child]!.length > 0 || ending[fail[child]] ? 1 : 0;
        next[state * ALPHABET + c] = to(child);
        queue.push(child);
      }
    }
    // Upper-case letters go where their lower-case forms go.
    for (let s = 0; s < states; s++)
      next.copyWithin(s * ALPHABET + 0x41, s * ALPHABET + 0x61, s * ALPHABET + 0x7b);
    this.ends = ends.map((e) => (e.length ? [...new Set(e)] : undefined));
    this.anchorsAt = this.ends.map((e) => {
      const anchored = e?.filter((k) => anchors.has(keywords[k]!));
      return anchored?.length ? anchored : undefined;
    });
    this.lengths = Int32Array.from(keywords, (k) => k.length);
    this.seenIn = new Uint32Array(states);
    this.longest = Math.max(0, ...this.lengths);
  }

  /**
   * The indexes (into `keywords`) of the keywords that occur in `text`.
   *
   * The text is walked as bytes, one per UTF-16 unit (its Latin-1 copy), so a match's offset is the
   * string's own: a typed array reads faster than `charCodeAt`. A unit above U+00FF becomes its low byte,
   * which can only add candidates (a keyword spelled across it), never lose one: every ASCII character
   * stays where it was, and the automaton finds every occurrence whatever stands around it.
   */
  find(text: string): number[] {
    const found: number[] = [];
    this.anchorHits.length = 0;
    const search = (this.search = (this.search + 1) >>> 0 || 1);
    const n = text.length;
    if (this.bytes.length < n) this.bytes = Buffer.allocUnsafe(Math.max(n, 2 * this.bytes.length));
    this.bytes.write(text, 0, n, "latin1");
    if (n < TWO_WALKS_MIN) this.walkOne(n, search, found);
    else this.walkTwo(n, search, found);
    return found;
  }

  private walkOne(n: number, search: number, found: number[]): void {
    const { next, bytes } = this;
    for (let i = 0, a = 0; i < n; i++) {
      const c = bytes[i]!;
      // No keyword holds a character outside ASCII, and none matches one in any case.
      if (c >= ALPHABET) a = 0;
      else if ((a = next[a + c]!) < 0) this.reached((a = ~a), i + 1, search, found);
    }
  }

  /**
   * A longer text is walked as its two halves at once: each step of one walk waits for its table
   * look-up, and the two walks' look-ups overlap. Each walk reports the occurrences that end in its half;
   * the second starts the longest keyword's length early, reporting nothing there, to know those that
   * begin before its half.
   */
  private walkTwo(n: number, search: number, found: number[]): void {
    const { next, bytes } = this;
    const half = n >>> 1;
    let b = 0;
    for (let j = Math.max(0, half - this.longest + 1); j < half; j++) {
      const d = bytes[j]!;
      // Without a branch for a keyword's end, which this short stretch seldom meets: a branch V8 has not
      // seen taken when it compiles the loop is compiled as a deoptimisation, and the whole function again.
      b = d >= ALPHABET ? 0 : next[b + d]!;
      b ^= b >> 31;
    }
    let a = 0;
    for (let i = 0, j = half; i < half; i++, j++) {
      const c = bytes[i]!;
      const d = bytes[j]!;
      if (c >= ALPHABET) a = 0;
      else if ((a = next[a + c]!) < 0) this.reached((a = ~a), i + 1, search, found);
      if (d >= ALPHABET) b = 0;
      else if ((b = next[b + d]!) < 0) this.reached((b = ~b), j + 1, search, found);
    }
    const d = bytes[n - 1]!;
    if (n & 1 && d < ALPHABET && (b = next[b + d]!) < 0) this.reached(~b, n, search, found);
  }

  /**
   * Keywords end at `end` in the state `at` (times 128): the anchors' occurrences go to anchorHits, and
   * the state's keywords to `found` the first time in this search.
   */
  private reached(at: number, end: number, search: number, found: number[]): void {
    const state = at >>> 7;
    const anchored = this.anchorsAt[state];
    if (anchored !== undefined) for (const k of anchored) this.anchorHits.push(k, end - this.lengths[k]!);
    if (this.seenIn[state] !== search) {
      this.seenIn[state] = search;
      for (const k of this.ends[state]!) found.push(k);
    }
  }
}
