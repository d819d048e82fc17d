import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { cli } from "../helpers/run-cli.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(1605);

function tenFiles(): string {
  const dir = tempDir();
  writeFiles(
    dir,
    Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}.ts`, `export const a${i} = ${i};\n`])),
  );
  return dir;
}

/** Runs `scan` with stderr as a terminal or not, and a clock that moves `step` ms each time it is read. */
async function scanWithClock(
  dir: string,
  opts: { tty: boolean; step: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let t = 0;
  const code = await runCli(["scan", "."], {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: opts.tty },
    stdin: Readable.from([]),
    env: {},
    cwd: dir,
    now: () => (t += opts.step),
  });
  return { code, stdout, stderr };
}

describe("patchwright scan --format markdown", () => {
  it("prints the Markdown report, redacted, with the findings' exit code", async () => {
    const dir = tempDir();
    const token = githubToken(rand);
    writeFiles(dir, { "src/client.ts": `export const token = "${token}";\n` });
    const r = await cli(["scan", ".", "--format", "markdown"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^### Leak guard: 1 finding\n/);
    expect(r.stdout).toContain("| src/client.ts:1 | `github-pat-classic` | error | high |");
    expect(r.stdout).not.toContain(token.slice(4));
    const clean = await cli(["scan", ".", "--format", "markdown"], { cwd: tenFiles() });
    expect(clean).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^### Leak guard: nothing found\n\nScanned 10 files/),
    });
  });

  it("names markdown among the formats when given another", async () => {
    const r = await cli(["scan", ".", "--format", "html"], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("markdown");
  });
});

describe("patchwright scan progress", () => {
  it("shows a progress line on a terminal once a scan passes 2 seconds, and clears it before the report", async () => {
    const r = await scanWithClock(tenFiles(), { tty: true, step: 400 });
    expect(r.code).toBe(0);
    const ESC = String.fromCharCode(27);
    expect(r.stderr).toMatch(new RegExp(`\\r${ESC}\\[2Kscanning… \\d+ files?, 0\\.0 MiB \\(\\d+s\\)`));
    expect(r.stderr.endsWith("\r\x1b[2K")).toBe(true);
    expect(r.stdout).toMatch(/^No leaks found \(10 files/);
  });

  it("stays silent for a quick scan, and on a pipe however long the scan", async () => {
    expect((await scanWithClock(tenFiles(), { tty: true, step: 0 })).stderr).toBe("");
    expect((await scanWithClock(tenFiles(), { tty: false, step: 5000 })).stderr).toBe("");
  });
});
