import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import type { Block } from "../block.js";
import type { Where } from "../finding.js";
import { PrintableRuns } from "./printable-runs.js";

/** Content is cut into blocks of at most this many bytes; a file this large or smaller is one block. */
export const CHUNK_BYTES = 4 * 1024 * 1024;
// A line longer than a chunk is cut; the cut keeps this much overlap so a value across it is still whole.
const OVERLAP_CHARS = 4096;
const BINARY_SNIFF_BYTES = 8000;
const NEWLINE = 0x0a;

export interface BlocksRead {
  binary: boolean;
  bytes: number;
}

/**
 * Cuts a byte stream into text blocks at line ends and hands each to `onBlock` as it comes, so memory
 * stays flat whatever the input's size. With `sniffBinary`, a NUL byte near the start marks binary
 * content (git's own test): only its printable runs are handed on, as blocks marked `binary` (see
 * PrintableRuns). `overlapped` tells the caller a line was cut with an overlap, so the same value may be
 * seen twice.
 */
export async function readBlocks(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer>,
  path: string,
  where: Where,
  onBlock: (block: Block, overlapped: boolean) => void,
  sniffBinary = true,
): Promise<BlocksRead> {
  const cutter = new BlockCutter(path, where, onBlock, sniffBinary);
  for await (const raw of input) cutter.push(raw);
  return cutter.end();
}

/**
 * readBlocks fed by hand, chunk by chunk: bytes already in memory (a file read ahead) are cut without a
 * promise per file.
 */
export class BlockCutter {
  private readonly decoder = new StringDecoder("utf8");
  private carry = "";
  private firstLine = 1;
  private firstColumn = 1;
  private bytes = 0;
  private overlapped = false;
  private runs: PrintableRuns | undefined;

  constructor(
    private readonly path: string,
    private readonly where: Where,
    private readonly onBlock: (block: Block, overlapped: boolean) => void,
    private readonly sniffBinary: boolean,
  ) {}

  push(raw: Buffer | string): void {
    const { path, where, onBlock } = this;
    const chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
    if (this.sniffBinary && this.bytes === 0 && isBinary(chunk)) {
      this.runs = new PrintableRuns(path, where, CHUNK_BYTES, OVERLAP_CHARS);
    }
    this.bytes += chunk.length;
    if (this.runs) {
      const block = this.runs.push(chunk);
      if (block) onBlock(block, this.runs.overlapped);
      return;
    }
    const { firstLine, firstColumn } = this;
    // Decoded in two parts at the last newline byte (never inside a longer UTF-8 sequence), the block is
    // a string of its own rather than a slice of the chunk's text: each later pass over it reads faster.
    const newline = chunk.lastIndexOf(NEWLINE);
    const head = newline === -1 ? "" : this.carry + this.decoder.write(chunk.subarray(0, newline));
    const tail = this.decoder.write(newline === -1 ? chunk : chunk.subarray(newline));
    if (newline !== -1 && tail.startsWith("\n")) {
      onBlock({ text: head, path, where, firstLine, firstColumn }, this.overlapped);
      this.firstLine += countNewlines(head, head.length) + 1;
      this.firstColumn = 1;
      this.carry = tail.slice(1);
      return;
    }
    // No newline, or bytes of a broken character before it, which the decoder let out only then.
    const text = newline === -1 ? this.carry + tail : head + tail;
    const cut = text.lastIndexOf("\n");
    if (cut !== -1) {
      onBlock({ text: text.slice(0, cut), path, where, firstLine, firstColumn }, this.overlapped);
      this.firstLine += countNewlines(text, cut) + 1;
      this.firstColumn = 1;
      this.carry = text.slice(cut + 1);
    } else if (text.length > CHUNK_BYTES) {
      this.overlapped = true;
      onBlock({ text, path, where, firstLine, firstColumn }, this.overlapped);
      this.firstColumn += text.length - OVERLAP_CHARS;
      this.carry = text.slice(-OVERLAP_CHARS);
    } else {
      this.carry = text;
    }
  }

  /**
   * The whole input when it is one chunk (a file read ahead), cut nowhere: one block, decoded in one call,
   * with no line counting. Anything else goes through push and end.
   */
  whole(chunk: Buffer): BlocksRead {
    if (this.bytes > 0 || chunk.length > CHUNK_BYTES || (this.sniffBinary && isBinary(chunk))) {
      this.push(chunk);
      return this.end();
    }
    const { path, where } = this;
    const text = chunk.toString("utf8");
    if (text) this.onBlock({ text, path, where, firstLine: 1, firstColumn: 1 }, false);
    return { binary: false, bytes: chunk.length };
  }

  end(): BlocksRead {
    const { path, where, onBlock, bytes } = this;
    if (this.runs) {
      const block = this.runs.end();
      if (block) onBlock(block, this.runs.overlapped);
      return { binary: true, bytes };
    }
    const rest = this.carry + this.decoder.end();
    const { firstLine, firstColumn } = this;
    if (rest) onBlock({ text: rest, path, where, firstLine, firstColumn }, this.overlapped);
    return { binary: false, bytes };
  }
}

/**
 * A file's bytes: in one read when it fits a chunk (most source files; a stream would allocate a whole
 * chunk-sized buffer for each), else streamed chunk by chunk.
 */
export async function* fileChunks(absPath: string): AsyncGenerator<Buffer> {
  const { size } = await stat(absPath);
  if (size <= CHUNK_BYTES) yield await readFile(absPath);
  else yield* createReadStream(absPath, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>;
}

/** Git's own test: a NUL byte near the start. */
function isBinary(chunk: Buffer): boolean {
  return chunk.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
