import { execFileSync } from "node:child_process";
import { mkdirSync, realpathSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openInside, readConfinedBytes, readConfinedFile } from "../../src/guard/sources/read-confined.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";

const OUTSIDE_MARKER = "outside-marker-5f1c9a";

/** A tree and, beside it, a folder holding a file the reads must never return. */
function setup(): { root: string; outside: string } {
  const root = realpathSync(tempDir("pw-confined-"));
  const outside = realpathSync(tempDir("pw-outside-"));
  writeFileSync(join(outside, "secret.txt"), `${OUTSIDE_MARKER}\n`);
  writeFiles(root, { "src/a.ts": "export const a = 1;\n", "docs/readme.md": "hello\n" });
  return { root, outside };
}

describe("readConfinedFile", () => {
  it("reads a regular file by a relative path, or an absolute one inside the root", async () => {
    const { root } = setup();
    expect(await readConfinedFile(root, "src/a.ts", { maxBytes: 100 })).toEqual({
      ok: true,
      text: "export const a = 1;\n",
      size: 20,
      truncated: false,
    });
    const abs = await readConfinedFile(root, join(root, "docs/readme.md"), { maxBytes: 100 });
    expect(abs).toMatchObject({ ok: true, text: "hello\n" });
  });

  it("names the root by a link the caller knows it by", async () => {
    const { root } = setup();
    const alias = join(tempDir("pw-alias-"), "repo");
    symlinkSync(root, alias);
    expect(await readConfinedFile(alias, "src/a.ts", { maxBytes: 100 })).toMatchObject({ ok: true });
    expect(await readConfinedFile(alias, join(alias, "src/a.ts"), { maxBytes: 100 })).toMatchObject({
      ok: true,
    });
  });

  it("follows a link that stays inside the tree", async () => {
    const { root } = setup();
    symlinkSync("src/a.ts", join(root, "alias.ts"));
    symlinkSync("src", join(root, "code"));
    expect(await readConfinedFile(root, "alias.ts", { maxBytes: 100 })).toMatchObject({ ok: true });
    expect(await readConfinedFile(root, "code/a.ts", { maxBytes: 100 })).toMatchObject({ ok: true });
  });

  it("says missing for a file that is not there, or under a file", async () => {
    const { root } = setup();
    for (const path of ["nope.txt", "src/a.ts/x", "gone/deeper.txt"]) {
      expect(await readConfinedFile(root, path, { maxBytes: 100 })).toMatchObject({
        ok: false,
        reason: "missing",
      });
    }
    const noRoot = await readConfinedFile(join(root, "no-such-dir"), "a.txt", { maxBytes: 100 });
    expect(noRoot).toMatchObject({ ok: false, reason: "missing" });
  });

  it("refuses paths outside the root: .., absolute, a link to a file or a folder outside, a dangling one", async () => {
    const { root, outside } = setup();
    symlinkSync(join(outside, "secret.txt"), join(root, "link.txt"));
    symlinkSync(outside, join(root, "out"));
    symlinkSync("../../" + outside.split("/").pop()! + "/secret.txt", join(root, "src/rel.txt"));
    symlinkSync(join(outside, "not-yet.txt"), join(root, "dangling.txt"));
    const paths = [
      "../" + outside.split("/").pop()! + "/secret.txt",
      join(outside, "secret.txt"),
      "link.txt",
      "out/secret.txt",
      "src/rel.txt",
    ];
    for (const path of paths) {
      const read = await readConfinedFile(root, path, { maxBytes: 1000 });
      expect(read).toMatchObject({ ok: false, reason: "outside" });
      expect(JSON.stringify(read)).not.toContain(OUTSIDE_MARKER);
    }
    expect(await readConfinedFile(root, "dangling.txt", { maxBytes: 100 })).toMatchObject({ ok: false });
  });

  it("refuses a loop of links, a directory, the root and a path with a NUL, without throwing", async () => {
    const { root } = setup();
    symlinkSync("loop-b", join(root, "loop-a"));
    symlinkSync("loop-a", join(root, "loop-b"));
    expect(await readConfinedFile(root, "loop-a", { maxBytes: 100 })).toMatchObject({ ok: false });
    expect(await readConfinedFile(root, "src", { maxBytes: 100 })).toMatchObject({
      ok: false,
      reason: "not-a-file",
    });
    expect(await readConfinedFile(root, "", { maxBytes: 100 })).toMatchObject({
      ok: false,
      reason: "not-a-file",
    });
    expect(await readConfinedFile(root, "a\0b", { maxBytes: 100 })).toMatchObject({ ok: false });
  });

  it("refuses a FIFO without opening it for long", async () => {
    const { root } = setup();
    execFileSync("mkfifo", [join(root, "pipe")]);
    const read = await readConfinedFile(root, "pipe", { maxBytes: 100 });
    expect(read).toMatchObject({ ok: false, reason: "not-a-file" });
    expect(read.ok ? "" : read.message).toContain("FIFO");
  }, 20_000);

  it("skips a file over the limit, or reads its beginning when asked to truncate", async () => {
    const { root } = setup();
    writeFileSync(join(root, "big.txt"), "0123456789".repeat(10));
    expect(await readConfinedFile(root, "big.txt", { maxBytes: 99 })).toMatchObject({
      ok: false,
      reason: "too-big",
    });
    expect(await readConfinedFile(root, "big.txt", { maxBytes: 100 })).toMatchObject({
      ok: true,
      truncated: false,
    });
    const cut = await readConfinedBytes(root, "big.txt", { maxBytes: 15, overLimit: "truncate" });
    expect(cut).toMatchObject({ ok: true, size: 100, truncated: true });
    expect(cut.ok && cut.bytes.toString()).toBe("012345678901234");
  });

  it("reads a few bytes of a huge sparse file, and skips it by its size without reading", async () => {
    const { root } = setup();
    const huge = join(root, "huge.txt");
    writeFileSync(huge, "head\n");
    truncateSync(huge, 3 * 1024 ** 3);
    const cut = await readConfinedBytes(root, "huge.txt", { maxBytes: 4096, overLimit: "truncate" });
    expect(cut).toMatchObject({ ok: true, size: 3 * 1024 ** 3, truncated: true });
    expect(cut.ok && cut.bytes.length).toBe(4096);
    expect(cut.ok && cut.bytes.subarray(0, 5).toString()).toBe("head\n");
    expect(await readConfinedBytes(root, "huge.txt", { maxBytes: 4096 })).toMatchObject({
      ok: false,
      reason: "too-big",
    });
  });
});

describe("openInside (the checks made on the opened file, against a swap after the path was checked)", () => {
  it("refuses a file reached through a parent folder that became a link to outside", async () => {
    const { root, outside } = setup();
    symlinkSync(outside, join(root, "swapped"));
    // As if `swapped` had been a real folder when the path was resolved, and a link when it was opened.
    const read = await openInside(root, join(root, "swapped/secret.txt"), '"swapped/secret.txt"', {
      maxBytes: 1000,
    });
    expect(read).toMatchObject({ ok: false, reason: "outside" });
    expect(JSON.stringify(read)).not.toContain(OUTSIDE_MARKER);
  });

  it("refuses a final component that became a link, even one inside the tree", async () => {
    const { root, outside } = setup();
    symlinkSync(join(outside, "secret.txt"), join(root, "became-link"));
    symlinkSync(join(root, "src/a.ts"), join(root, "inner-link"));
    for (const name of ["became-link", "inner-link"]) {
      const read = await openInside(root, join(root, name), JSON.stringify(name), { maxBytes: 1000 });
      expect(read).toMatchObject({ ok: false, reason: "outside" });
      expect(JSON.stringify(read)).not.toContain(OUTSIDE_MARKER);
    }
  });

  it("refuses a FIFO or a directory swapped in, without blocking on the FIFO", async () => {
    const { root } = setup();
    execFileSync("mkfifo", [join(root, "pipe")]);
    mkdirSync(join(root, "dir"));
    expect(await openInside(root, join(root, "pipe"), '"pipe"', { maxBytes: 10 })).toMatchObject({
      ok: false,
      reason: "not-a-file",
    });
    expect(await openInside(root, join(root, "dir"), '"dir"', { maxBytes: 10 })).toMatchObject({
      ok: false,
      reason: "not-a-file",
    });
  }, 20_000);
});
