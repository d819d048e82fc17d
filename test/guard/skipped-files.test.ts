import { execFileSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import type { Block } from "../../src/guard/block.js";
import type { ScanReport } from "../../src/guard/finding.js";
import { formatJson } from "../../src/guard/format/format-json.js";
import { formatMarkdown } from "../../src/guard/format/format-markdown.js";
import { formatSarif } from "../../src/guard/format/format-sarif.js";
import { formatText } from "../../src/guard/format/format-text.js";
import { scan } from "../../src/guard/scan.js";
import { PrintableRuns } from "../../src/guard/sources/printable-runs.js";
import { commit, git, tempDir, tempRepo, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(16);
const config = GuardConfig.parse({});

describe("binary content", () => {
  it("finds a GitHub token in a text file that holds one NUL byte, at its line and column", async () => {
    const dir = tempDir();
    const token = githubToken(rand);
    writeFiles(dir, { "notes.txt": `first line\nsecond\0line\nconst t = "${token}";\n` });
    const report = await scan({ mode: "paths", paths: ["."] }, { cwd: dir, config });
    expect(report.findings).toMatchObject([
      { path: "notes.txt", ruleId: "github-pat-classic", line: 3, column: 12 },
    ]);
    expect(report.skipped).toMatchObject([{ path: "notes.txt", reason: "binary" }]);
    expect(report.stats.skipped).toBe(1);
  });

  it("runs only the rules whose matches are certain on binary content", async () => {
    const dir = tempDir();
    // A generic assignment and a prefixed token without a checksum: random bytes could look like either.
    const weak = `password = "${rand(24)}"\nsk_test_${rand(24)}\n`;
    writeFiles(dir, { "blob.bin": Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(weak)]) });
    const asBinary = await scan({ mode: "paths", paths: ["."] }, { cwd: dir, config });
    expect(asBinary.findings).toEqual([]);
    writeFiles(dir, { "blob.bin": weak });
    const asText = await scan({ mode: "paths", paths: ["."] }, { cwd: dir, config });
    expect(asText.findings.length).toBeGreaterThan(0);
  });

  it("finds a token in a binary file larger than a chunk, past the first chunk", async () => {
    const dir = tempDir();
    const token = githubToken(rand);
    const noise = Buffer.alloc(5 * 1024 * 1024, 0);
    writeFiles(dir, { "big.bin": Buffer.concat([noise, Buffer.from(`key=${token}\0`)]) });
    const report = await scan({ mode: "paths", paths: ["."] }, { cwd: dir, config });
    expect(report.findings).toMatchObject([
      { ruleId: "github-pat-classic", line: 1, column: noise.length + 5 },
    ]);
  });

  it("keeps a run whole across chunks, and its line and column", () => {
    const runs = new PrintableRuns("f.bin", "file", 1024, 64);
    const first = runs.push(Buffer.from("\0\nabc\0defghijklm"));
    const second = runs.push(Buffer.from("nopq\0\n\0short\0"));
    expect(first).toBeUndefined();
    expect(second).toMatchObject({
      text: "defghijklmnopq",
      lineNumbers: [2],
      lineColumns: [5],
      binary: true,
    });
    expect(runs.end()).toBeUndefined();
  });

  it("finds the runs `strings` would, with their lines and columns, however the content is cut", () => {
    const random = prng(5);
    const below = (n: number): number => parseInt(random(2, "0123456789abcdef"), 16) % n;
    // Printable bytes, newlines, NULs and high bytes, in runs of every length around the minimum of 8.
    const pick = (): Buffer => {
      const n = 1 + below(12);
      const kind = below(4);
      if (kind === 0) return Buffer.from(random(n, "xyz\t ~!"));
      if (kind === 1) return Buffer.from("\n".repeat(1 + (n % 3)));
      if (kind === 2) return Buffer.alloc(n % 4 || 1, 0);
      return Buffer.alloc(n % 3 || 1, 0xe9);
    };
    const collect = (found: [string, number, number][], block: Block | undefined): void => {
      block?.text
        .split("\n")
        .forEach((t, i) => found.push([t, block.lineNumbers![i]!, block.lineColumns![i]!]));
    };
    // Small contents in small chunks, and contents larger than the 64 KiB the runs are found in at a time,
    // pushed whole, with a run that crosses each piece's end.
    const contents = [
      ...Array.from({ length: 200 }, () => Buffer.concat(Array.from({ length: 60 }, pick))),
      ...Array.from({ length: 3 }, () =>
        Buffer.concat([...Array.from({ length: 25_000 }, pick), Buffer.from(random(70_000, "ab"))]),
      ),
    ];
    for (const content of contents) {
      const runs = new PrintableRuns("f.bin", "file", 1 << 20, 64);
      const found: [string, number, number][] = [];
      const whole = content.length > 65_536;
      for (let at = 0; at < content.length;) {
        const size = whole ? content.length : 1 + below(40);
        collect(found, runs.push(content.subarray(at, at + size)));
        at += size;
      }
      collect(found, runs.end());
      expect(found).toEqual(stringsOf(content));
    }
  });
});

/** The reference: each maximal run of 8 or more printable bytes, and the line and column it starts at. */
function stringsOf(content: Buffer): [string, number, number][] {
  const out: [string, number, number][] = [];
  let line = 1;
  let lineStart = 0;
  let start = -1;
  for (let i = 0; i <= content.length; i++) {
    const b = i < content.length ? content[i]! : -1;
    if ((b >= 0x20 && b < 0x7f) || b === 0x09) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= 8) {
      out.push([content.toString("latin1", start, i), line, start - lineStart + 1]);
    }
    start = -1;
    if (b === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return out;
}

describe("skipped files are listed", () => {
  it("lists a symbolic link and a FIFO met in a folder, unless ignored", async () => {
    const dir = tempDir();
    writeFiles(dir, { "a.txt": "hello\n", ".gitignore": "ignored-link\n" });
    symlinkSync("/etc/hostname", join(dir, "link"));
    symlinkSync("/etc/hostname", join(dir, "ignored-link"));
    execFileSync("mkfifo", [join(dir, "pipe")]);
    const report = await scan({ mode: "paths", paths: ["."] }, { cwd: dir, config });
    expect(report.skipped?.map((s) => [s.path, s.reason])).toEqual([
      ["link", "symlink"],
      ["pipe", "special"],
    ]);
    expect(report.stats).toMatchObject({ files: 2, skipped: 2 });
  });

  it("lists a binary file a --git range adds, which git shows no lines of", async () => {
    const repo = tempRepo();
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    commit(repo, { "logo.png": "\x89PNG\0\0" + "x".repeat(20) }, "add a logo");
    const report = await scan({ mode: "git", range: `${base}..HEAD` }, { cwd: repo, config });
    expect(report.skipped).toMatchObject([{ path: "logo.png", reason: "binary" }]);
    expect(report.skipped?.[0]?.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe("every format lists skipped files", () => {
  const report: ScanReport = {
    findings: [],
    advisories: [],
    skipped: [
      { path: "img/logo.png", reason: "binary", detail: "binary content: printable runs only" },
      { path: "link", reason: "symlink", detail: "a symbolic link: not followed" },
    ],
    stats: { files: 3, bytes: 120, ms: 4, skipped: 2 },
  };

  it("text", () => {
    const text = formatText(report, { color: false });
    expect(text).toMatch(/^No leaks found \(3 files, 120 B in 0\.00s, 2 skipped or scanned in part\)\./);
    expect(text).toContain("img/logo.png  binary  binary content: printable runs only");
    expect(text).toContain("link  symlink  a symbolic link: not followed");
  });

  it("json", () => {
    const json = JSON.parse(formatJson(report)) as ScanReport;
    expect(json.skipped).toEqual(report.skipped);
    expect(json.stats.skipped).toBe(2);
  });

  it("sarif, as tool execution notifications", () => {
    const log = JSON.parse(formatSarif(report, "1.0.0")) as {
      runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: object[] }[] }[];
    };
    expect(log.runs[0]!.invocations[0]).toMatchObject({
      executionSuccessful: true,
      toolExecutionNotifications: [
        {
          level: "note",
          descriptor: { id: "skipped-binary" },
          message: { text: "img/logo.png: binary content: printable runs only" },
          locations: [{ physicalLocation: { artifactLocation: { uri: "img/logo.png" } } }],
        },
        { level: "warning", descriptor: { id: "skipped-symlink" } },
      ],
    });
  });

  it("markdown", () => {
    const md = formatMarkdown(report);
    expect(md).toContain("| img/logo.png | binary | binary content: printable runs only |");
    expect(md).toContain("| link | symlink | a symbolic link: not followed |");
  });
});
