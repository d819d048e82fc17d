import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Block } from "../../src/guard/block.js";
import { BlockCutter, readBlocks } from "../../src/guard/sources/read-blocks.js";

async function blocks(
  chunks: (string | Buffer)[],
): Promise<{ blocks: Block[]; binary: boolean; bytes: number }> {
  const out: Block[] = [];
  const r = await readBlocks(Readable.from(chunks, { objectMode: true }), "f.txt", "file", (b) =>
    out.push(b),
  );
  return { blocks: out, ...r };
}

describe("readBlocks", () => {
  it("cuts at line ends and keeps line numbers across chunks", async () => {
    const { blocks: b, bytes } = await blocks(["one\ntw", "o\nthree\nfo", "ur"]);
    expect(b.map((x) => [x.text, x.firstLine])).toEqual([
      ["one", 1],
      ["two\nthree", 2],
      ["four", 4],
    ]);
    expect(bytes).toBe(18);
  });

  it("keeps multi-byte characters whole across chunk boundaries", async () => {
    const euro = Buffer.from("€\n");
    const { blocks: b } = await blocks([euro.subarray(0, 1), euro.subarray(1)]);
    expect(b.map((x) => x.text)).toEqual(["€"]);
  });

  it("decodes a broken character before a line end as one read would, in one chunk or split", async () => {
    const bytes = Buffer.from([0x61, 0xe2, 0x82, 0x0a, 0x62, 0xc3, 0x0a, 0xf0, 0x9f, 0x98, 0x80, 0x0a, 0x63]);
    const whole = bytes.toString("utf8").split("\n");
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { blocks: b } = await blocks([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(
        b
          .map((x) => x.text)
          .join("\n")
          .split("\n"),
      ).toEqual(whole);
    }
  });

  it("recognises binary content by a NUL byte", async () => {
    const r = await blocks([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2])]);
    expect(r.binary).toBe(true);
    expect(r.blocks).toEqual([]);
  });

  it("cuts a line longer than a chunk with an overlap and a running column", async () => {
    const long = "a".repeat(5 * 1024 * 1024);
    const { blocks: b } = await blocks([
      long.slice(0, 4 * 1024 * 1024 + 10),
      long.slice(4 * 1024 * 1024 + 10),
    ]);
    expect(b).toHaveLength(2);
    expect(b[1]!.firstLine).toBe(1);
    expect(b[1]!.firstColumn).toBe(4 * 1024 * 1024 + 10 - 4096 + 1);
    expect(b[0]!.text.length + b[1]!.text.length - 4096).toBe(long.length);
  });
});

describe("BlockCutter.whole", () => {
  const cut = (bytes: Buffer): { blocks: Block[]; binary: boolean; bytes: number } => {
    const out: Block[] = [];
    const r = new BlockCutter("f.txt", "file", (b) => out.push(b), true).whole(bytes);
    return { blocks: out, ...r };
  };

  it("hands a file read ahead on as one block, decoded as one read would", async () => {
    const bytes = Buffer.from([0x61, 0xe2, 0x82, 0x0a, 0x62, 0xc3, 0x0a, 0xf0, 0x9f, 0x98, 0x80, 0x0a, 0x63]);
    const r = cut(bytes);
    expect(r.blocks).toEqual([
      { text: bytes.toString("utf8"), path: "f.txt", where: "file", firstLine: 1, firstColumn: 1 },
    ]);
    expect(r).toMatchObject({ binary: false, bytes: bytes.length });
    // The same lines as cutting it at line ends.
    const { blocks: pushed } = await blocks([bytes]);
    expect(pushed.map((x) => x.text).join("\n")).toBe(r.blocks[0]!.text);
  });

  it("hands binary content on as its printable runs, and nothing for an empty file", () => {
    const binary = cut(Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from("printable run here\n")]));
    expect(binary.binary).toBe(true);
    expect(binary.blocks.map((b) => [b.text, b.binary])).toEqual([["printable run here", true]]);
    expect(cut(Buffer.alloc(0))).toEqual({ blocks: [], binary: false, bytes: 0 });
  });
});
