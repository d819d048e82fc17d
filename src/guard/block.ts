import type { Where } from "./finding.js";

/** A piece of outbound text with enough context to place a finding in it. */
export interface Block {
  readonly text: string;
  /** Path relative to the scanned root; "" for text that is not a file (a PR body, a commit message). */
  readonly path: string;
  readonly where: Where;
  readonly commit?: string;
  /** Line number of the first line of `text` (1-based). */
  readonly firstLine: number;
  /** Column of the first character, when the block continues a line cut at a chunk boundary (1-based). */
  readonly firstColumn: number;
  /** When the lines are not consecutive (the added lines of a diff): the real number of each line. */
  readonly lineNumbers?: readonly number[];
  /** When each line starts mid-line (the printable runs of binary content): the column of each line's start. */
  readonly lineColumns?: readonly number[];
  /**
   * Printable runs taken out of binary content: only the rules that cannot mistake random bytes for a
   * secret (checksums, vendor signatures) run on them, besides forbidden terms and the run's own secrets.
   */
  readonly binary?: boolean;
}

export function textBlock(text: string, where: Where, path = "", commit?: string): Block {
  return { text, path, where, firstLine: 1, firstColumn: 1, ...(commit ? { commit } : {}) };
}

/** Maps offsets in a block to lines, columns and line text; built only when a block has a candidate. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly block: Block) {
    const { text } = block;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  locate(offset: number): { line: number; column: number; lineText: string } {
    const i = this.lineAt(offset);
    const start = this.starts[i]!;
    const end = i + 1 < this.starts.length ? this.starts[i + 1]! - 1 : this.block.text.length;
    const line = this.block.lineNumbers?.[i] ?? this.block.firstLine + i;
    const shift = this.block.lineColumns?.[i] ?? (i === 0 ? this.block.firstColumn : 1);
    const column = offset - start + shift;
    return { line, column, lineText: this.block.text.slice(start, end) };
  }
}
