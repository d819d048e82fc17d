import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkoutPatch, checkoutReader } from "../../src/review/checkout.js";
import { parsePatch } from "../../src/review/diff/patch.js";
import { commit, git, tempDir, tempRepo } from "../helpers/temp-repo.js";

describe("checkoutReader", () => {
  it("reads the head's files, and nothing a link points to outside the checkout", async () => {
    const outside = tempDir("pw-outside-");
    writeFileSync(join(outside, "secret.txt"), "host file\n");
    const repo = tempRepo({ "src/a.ts": "export const a = 1;\n" });
    symlinkSync(join(outside, "secret.txt"), join(repo, "leak.txt"));
    const read = checkoutReader(repo);
    expect(await read("src/a.ts")).toBe("export const a = 1;\n");
    expect(await read("leak.txt")).toBeUndefined();
    expect(await read("../secret.txt")).toBeUndefined();
    expect(await read("src/missing.ts")).toBeUndefined();
  });
});

describe("checkoutPatch", () => {
  it("gives a file's hunks like GitHub's patch, a renamed file's against its old name, nothing for a binary", async () => {
    const repo = tempRepo({ "src/old.ts": "one\ntwo\nthree\nfour\nfive\n", "logo.bin": "a\u0000b" });
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    git(repo, ["mv", "src/old.ts", "src/new.ts"]);
    const head = commit(
      repo,
      { "src/new.ts": "one\ntwo\n3\nfour\nfive\n", "logo.bin": "a\u0000c" },
      "change",
    );
    const patch = checkoutPatch(repo);

    const renamed = await patch({ path: "src/new.ts", previousPath: "src/old.ts", base, head });
    expect(renamed).toBe("@@ -1,5 +1,5 @@\n one\n two\n-three\n+3\n four\n five\n");
    expect(parsePatch(renamed!)[0]?.lines.find((l) => l.kind === "add")).toEqual({
      kind: "add",
      text: "3",
      newLine: 3,
    });
    expect(await patch({ path: "logo.bin", base, head })).toBeUndefined();
    expect(await patch({ path: "src/new.ts", base: "f".repeat(40), head })).toBeUndefined();
  });
});
