const ALPHABET = 128;

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
    this.next = new Int32Array(states * ALPHABET);
    const ends: number[][] = own.map((o) => [...o]);
    const fail = new Int32Array(states);
    // Breadth first: a state's failure link is complete before its children need it.
    const queue: number[] = [];
    for (const [c, child] of children[0]!) {
      this.next[c] = child;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const failed = fail[state]!;
      ends[state]!.push(...ends[failed]!);
      // Where this state has no child, it goes where its failure state goes: copy that row, then its children.
      this.next.copyWithin(state * ALPHABET, failed * ALPHABET, failed * ALPHABET + ALPHABET);
      for (const [c, child] of children[state]!) {
        fail[child] = this.next[failed * ALPHABET + c]!;
        this.next[state * ALPHABET + c] = child;
        queue.push(child);
      }
    }
    // Upper-case letters go where their lower-case forms go.
    for (let s = 0; s < states; s++) {
      for (let c = 0x41; c <= 0x5a; c++) this.next[s * ALPHABET + c] = this.next[s * ALPHABET + c + 0x20]!;
    }
    for (let i = 0; i < this.next.length; i++) {
      const to = this.next[i]!;
      this.next[i] = ends[to]!.length ? ~(to * ALPHABET) : to * ALPHABET;
    }
    this.ends = ends.map((e) => (e.length ? [...new Set(e)] : undefined));
    this.anchorsAt = this.ends.map((e) => {
      const anchored = e?.filter((k) => anchors.has(keywords[k]!));
      return anchored?.length ? anchored : undefined;
    });
    this.lengths = Int32Array.from(keywords, (k) => k.length);
    this.seenIn = new Uint32Array(states);
  }

  /** The indexes (into `keywords`) of the keywords that occur in `text`. */
  find(text: string): number[] {
    const found: number[] = [];
    const { next, seenIn, anchorsAt, anchorHits, lengths } = this;
    anchorHits.length = 0;
    const search = (this.search = (this.search + 1) >>> 0 || 1);
    let at = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // No keyword holds a character outside ASCII, and none matches one in any case.
      if (c >= ALPHABET) {
        at = 0;
        continue;
      }
      at = next[at + c]!;
      if (at < 0) {
        at = ~at;
        const state = at >>> 7;
        const anchored = anchorsAt[state];
        if (anchored !== undefined) for (const k of anchored) anchorHits.push(k, i + 1 - lengths[k]!);
        if (seenIn[state] !== search) {
          seenIn[state] = search;
          for (const k of this.ends[state]!) found.push(k);
        }
      }
    }
    return found;
  }
}
