import type { Block } from "../block.js";
import type { Where } from "../finding.js";

/** `strings`' default: shorter runs of printable bytes are mostly chance in binary content. */
const MIN_RUN = 8;
/** Printable ASCII and tab, as `strings` takes them. */
const PRINTABLE_CLASS = String.raw`[\t\x20-\x7e]`;
const isPrintable = (c: number): boolean => (c >= 0x20 && c < 0x7f) || c === 0x09;
const PRINTABLE = new RegExp(`${PRINTABLE_CLASS}+`, "y");
const LONG_RUN = new RegExp(`${PRINTABLE_CLASS}{${MIN_RUN},}`, "g");
/** Content is turned into text this much at a time. */
const PIECE_BYTES = 64 * 1024;

/**
 * Cuts binary content into its runs of printable ASCII (as `strings` does), fed chunk by chunk. Each run
 * becomes one line of a block that keeps where the run starts in the file (its line, counting newline
 * bytes, and its column), so a finding in a binary file points at its bytes. A run longer than `maxRun`
 * is cut with an overlap of `overlap` characters, so a value across the cut is still whole.
 */
export class PrintableRuns {
  private line = 1;
  /** Byte offset of the current line's start, and of the next chunk's first byte. */
  private lineStart = 0;
  private offset = 0;
  private carry = "";
  private carryLine = 0;
  private carryColumn = 0;
  /** A run was cut with an overlap: the same value may be seen twice. */
  overlapped = false;

  constructor(
    private readonly path: string,
    private readonly where: Where,
    private readonly maxRun: number,
    private readonly overlap: number,
  ) {}

  /** The block of the runs that end in this chunk, if any. */
  push(chunk: Buffer): Block | undefined {
    const runs = new Runs();
    // Latin-1 maps each byte to the character of the same code, and pieces this small are strings of
    // V8's young heap (a whole chunk's would be mapped afresh for each one).
    for (let at = 0; at < chunk.length; at += PIECE_BYTES)
      this.piece(chunk.toString("latin1", at, Math.min(at + PIECE_BYTES, chunk.length)), runs);
    if (this.carry.length > this.maxRun) {
      this.overlapped = true;
      runs.add(this.carry, this.carryLine, this.carryColumn);
      this.carryColumn += this.carry.length - this.overlap;
      this.carry = this.carry.slice(-this.overlap);
    }
    return runs.block(this.path, this.where);
  }

  /**
   * One piece of the content, as text: the run carried into it goes on through its leading printable
   * characters, the long runs inside it are found by a regular expression (far faster than a loop over
   * the bytes), and the run it ends with is carried, since the next piece may go on with it.
   */
  private piece(text: string, runs: Runs): void {
    let from = 0;
    if (this.carry) {
      PRINTABLE.lastIndex = 0;
      from = PRINTABLE.test(text) ? PRINTABLE.lastIndex : 0;
      if (from === text.length) {
        this.carry += text;
        this.offset += text.length;
        return;
      }
      runs.add(this.carry + text.slice(0, from), this.carryLine, this.carryColumn);
      this.carry = "";
    }
    // Where the run the piece ends with starts (the piece's end when it ends with none).
    let tail = text.length;
    while (tail > from && isPrintable(text.charCodeAt(tail - 1))) tail--;
    LONG_RUN.lastIndex = from;
    for (let m = LONG_RUN.exec(text); m && m.index < tail; m = LONG_RUN.exec(text)) {
      this.countLines(text, from, m.index);
      runs.add(m[0], this.line, this.offset + m.index - this.lineStart + 1);
      from = LONG_RUN.lastIndex;
    }
    this.countLines(text, from, tail);
    if (tail < text.length) {
      this.carry = text.slice(tail);
      this.carryLine = this.line;
      this.carryColumn = this.offset + tail - this.lineStart + 1;
    }
    this.offset += text.length;
  }

  /** Counts the newline bytes in text[from, to), all of them between runs. */
  private countLines(text: string, from: number, to: number): void {
    for (let i = text.indexOf("\n", from); i !== -1 && i < to; i = text.indexOf("\n", i + 1)) {
      this.line++;
      this.lineStart = this.offset + i + 1;
    }
  }

  /** The block of the run the content ends with, if any. */
  end(): Block | undefined {
    const runs = new Runs();
    runs.add(this.carry, this.carryLine, this.carryColumn);
    this.carry = "";
    return runs.block(this.path, this.where);
  }
}

class Runs {
  private readonly texts: string[] = [];
  private readonly lines: number[] = [];
  private readonly columns: number[] = [];

  add(text: string, line: number, column: number): void {
    if (text.length < MIN_RUN) return;
    this.texts.push(text);
    this.lines.push(line);
    this.columns.push(column);
  }

  block(path: string, where: Where): Block | undefined {
    if (this.texts.length === 0) return undefined;
    return {
      text: this.texts.join("\n"),
      path,
      where,
      firstLine: this.lines[0]!,
      firstColumn: this.columns[0]!,
      lineNumbers: this.lines,
      lineColumns: this.columns,
      binary: true,
    };
  }
}
