import { describe, expect, it } from "vitest";
import { cli } from "../helpers/run-cli.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";

describe("patchwright hash-term", () => {
  it("hashes several terms with one salt drawn for the call", async () => {
    const r = await cli(["hash-term", "falcon", "project nimbus", "build.corp.internal"], { cwd: tempDir() });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const salts = r.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(":")[1]);
    expect(salts).toHaveLength(3);
    expect(new Set(salts).size).toBe(1);
    const again = await cli(["hash-term", "falcon"], { cwd: tempDir() });
    expect(again.stdout.split(":")[1]).not.toBe(salts[0]);
  });

  it("refuses a term with more words than a hashed term may match, and prints no hash at all", async () => {
    const r = await cli(["hash-term", "falcon", "the project falcon rollout"], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      'patchwright: "the project falcon rollout" has 4 words, and a hashed term can match at most 3, so its ' +
        "hash would never match: hash a shorter part of it, or list it in PATCHWRIGHT_FORBIDDEN_TERMS instead\n",
    );
  });

  it("never shows any part of a forbidden term found, in any format", async () => {
    const dir = tempDir();
    writeFiles(dir, { "notes.md": "Ship alphacentauri next week.\n" });
    const hashed = await cli(["hash-term", "alphacentauri"], { cwd: dir });
    for (const format of ["text", "json", "sarif", "markdown"]) {
      const r = await cli(["scan", ".", "--format", format], {
        cwd: dir,
        env: { PATCHWRIGHT_FORBIDDEN_TERM_HASHES: hashed.stdout.trim() },
      });
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).toContain("(13 chars)");
      expect(r.stdout.toLowerCase(), format).not.toMatch(/alph|auri/);
    }
  });
});
