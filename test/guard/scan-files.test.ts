import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import { scan } from "../../src/guard/scan.js";
import { ScanError } from "../../src/guard/scan-error.js";
import { tempDir, tempRepo, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, npmToken, prng } from "../helpers/tokens.js";

const rand = prng(5);
const config = GuardConfig.parse({});

describe("scan PATH", () => {
  it("walks folders honouring nested .gitignore files, and reports paths relative to the working folder", async () => {
    const dir = tempDir();
    const t = () => `const t = "${githubToken(rand)}";\n`;
    writeFiles(dir, {
      ".gitignore": "dist/\n*.log\n!keep.log\n",
      "src/a.ts": t(),
      "src/.gitignore": "generated.ts\n",
      "src/generated.ts": t(),
      "dist/out.js": t(),
      "debug.log": t(),
      "keep.log": t(),
      ".git/config": t(),
    });
    const report = await scan({ mode: "paths", paths: ["."] }, { cwd: dir, config });
    expect(report.findings.map((f) => f.path).sort()).toEqual(["keep.log", "src/a.ts"]);
    const sub = await scan({ mode: "paths", paths: ["src"] }, { cwd: dir, config });
    expect(sub.findings.map((f) => f.path)).toEqual(["src/a.ts"]);
  });

  it("applies the ignore files above a scanned subfolder, up to the repository's top", async () => {
    const repo = tempRepo({ ".gitignore": "*.log\n" });
    const t = () => `const t = "${githubToken(rand)}";\n`;
    writeFiles(repo, { "src/debug.log": t(), "src/local.ts": t(), "src/a.ts": t() });
    writeFiles(repo, { ".git/info/exclude": "local.ts\n" });
    const report = await scan({ mode: "paths", paths: ["src"] }, { cwd: repo, config });
    expect(report.findings.map((f) => f.path)).toEqual(["src/a.ts"]);
    const fromInside = await scan({ mode: "paths", paths: ["."] }, { cwd: join(repo, "src"), config });
    expect(fromInside.findings.map((f) => f.path)).toEqual(["a.ts"]);
  });

  it("scans a file named explicitly even when ignored", async () => {
    const dir = tempDir();
    writeFiles(dir, { ".gitignore": "*.log\n", "debug.log": `x = "${npmToken(rand)}"\n` });
    const report = await scan({ mode: "paths", paths: ["debug.log"] }, { cwd: dir, config });
    expect(report.findings.map((f) => f.path)).toEqual(["debug.log"]);
  });

  it("scans a folder named explicitly even when git ignores it, with the ignore files inside it", async () => {
    const repo = tempRepo({ ".gitignore": "dist/\n" });
    const t = () => `const t = "${githubToken(rand)}";\n`;
    writeFiles(repo, { "dist/index.js": t(), "dist/.gitignore": "cache/\n", "dist/cache/x.js": t() });
    const named = await scan({ mode: "paths", paths: ["dist"] }, { cwd: repo, config });
    expect(named.findings.map((f) => f.path)).toEqual(["dist/index.js"]);
    const whole = await scan({ mode: "paths", paths: ["."] }, { cwd: repo, config });
    expect(whole.findings).toEqual([]);
  });

  it("scans binary files' printable runs with the certain rules, lists them, and checks their names", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      "img.png": Buffer.concat([Buffer.from([0x89, 0x50, 0, 0]), Buffer.from(githubToken(rand))]),
      "prod.pfx": Buffer.from([0x30, 0x82, 0, 1]),
    });
    const report = await scan({ mode: "paths", paths: ["."] }, { cwd: dir, config });
    expect(report.findings.map((f) => [f.path, f.ruleId])).toEqual([
      ["img.png", "github-pat-classic"],
      ["prod.pfx", "key-store-file"],
    ]);
    expect(report.skipped?.map((s) => [s.path, s.reason])).toEqual([
      ["img.png", "binary"],
      ["prod.pfx", "binary"],
    ]);
  });

  it("finds a value on a very long line, once, at the right column", async () => {
    const dir = tempDir();
    const token = githubToken(rand);
    const pad = "x=1;".repeat(1_050_000); // a single 4.2 MB line: cut into chunks with an overlap
    writeFileSync(join(dir, "bundle.min.js"), `${pad}"${token}";${pad}`);
    const report = await scan({ mode: "paths", paths: ["."] }, { cwd: dir, config });
    expect(report.findings.map((f) => [f.line, f.column])).toEqual([[1, pad.length + 2]]);
  });

  it("fails on a path that does not exist", async () => {
    await expect(scan({ mode: "paths", paths: ["missing"] }, { cwd: tempDir(), config })).rejects.toThrow(
      ScanError,
    );
  });
});

describe("scan --text", () => {
  it("scans a text from a stream", async () => {
    const token = githubToken(rand);
    const input = Readable.from([Buffer.from(`Fixed it.\n\nUse ${token} to call the API.`)]);
    const report = await scan({ mode: "text" }, { cwd: tempDir(), config, input });
    expect(report.findings).toMatchObject([{ where: "text", path: "", line: 3, column: 5 }]);
  });
});
