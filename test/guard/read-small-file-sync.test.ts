import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { READ_AHEAD_BYTES, readSmallFileSync } from "../../src/guard/sources/read-ahead.js";
import { tempDir } from "../helpers/temp-repo.js";

// What a scanning thread reads each file with: fstat only when the read leaves it in doubt.
describe("readSmallFileSync", () => {
  const into = Buffer.alloc(READ_AHEAD_BYTES + 1);

  it("reads a small file, an empty one and one of exactly the read-ahead size into the buffer", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.txt"), "hello\n");
    writeFileSync(join(dir, "empty"), "");
    writeFileSync(join(dir, "full"), Buffer.alloc(READ_AHEAD_BYTES, 0x61));
    const small = readSmallFileSync(join(dir, "a.txt"), into);
    expect(small.kind === "bytes" && small.bytes.toString()).toBe("hello\n");
    const empty = readSmallFileSync(join(dir, "empty"), into);
    expect(empty.kind === "bytes" && empty.bytes.length).toBe(0);
    const full = readSmallFileSync(join(dir, "full"), into);
    expect(full.kind === "bytes" && full.bytes.length).toBe(READ_AHEAD_BYTES);
  });

  it("leaves a file larger than the read-ahead size to be streamed", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "big"), Buffer.alloc(READ_AHEAD_BYTES + 1, 0x61));
    expect(readSmallFileSync(join(dir, "big"), into)).toEqual({ kind: "stream" });
  });

  it("calls a FIFO, a folder or a device swapped in for a file special, without blocking", () => {
    const dir = tempDir();
    execFileSync("mkfifo", [join(dir, "pipe")]);
    mkdirSync(join(dir, "folder"));
    for (const path of [join(dir, "pipe"), join(dir, "folder"), "/dev/null", "/dev/zero"])
      expect(readSmallFileSync(path, into), path).toEqual({ kind: "special" });
  });

  it("reports a file that cannot be opened as an error", () => {
    const read = readSmallFileSync(join(tempDir(), "gone"), into);
    expect(read.kind === "error" && read.error.code).toBe("ENOENT");
  });
});
