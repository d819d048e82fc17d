import type { Block } from "../block.js";
import type { Where } from "../finding.js";

/** `strings`' default: shorter runs of printable bytes are mostly chance in binary content. */
const MIN_RUN = 8;

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
    let start = this.carry ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if ((b >= 0x20 && b < 0x7f) || b === 0x09) {
        if (start < 0) {
          start = i;
          this.carryLine = this.line;
          this.carryColumn = this.offset + i - this.lineStart + 1;
        }
        continue;
      }
      if (start >= 0) {
        // Random bytes hold a short printable run every few bytes: only a kept one is made a string.
        if (this.carry.length + i - start >= MIN_RUN)
          runs.add(this.carry + chunk.toString("latin1", start, i), this.carryLine, this.carryColumn);
        this.carry = "";
        start = -1;
      }
      if (b === 0x0a) {
        this.line++;
        this.lineStart = this.offset + i + 1;
      }
    }
    if (start >= 0) this.carry += chunk.toString("latin1", start);
    if (this.carry.length > this.maxRun) {
      this.overlapped = true;
      runs.add(this.carry, this.carryLine, this.carryColumn);
      this.carryColumn += this.carry.length - this.overlap;
      this.carry = this.carry.slice(-this.overlap);
    }
    this.offset += chunk.length;
    return runs.block(this.path, this.where);
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
