import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { ScanReport } from "../../src/guard/finding.js";
import { cli } from "../helpers/run-cli.js";
import { commit, git, tempDir, tempRepo, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(3);
const BIN = join(import.meta.dirname, "../../dist/cli/main.js");

function leakyDir(): { dir: string; token: string } {
  const dir = tempDir();
  const token = githubToken(rand);
  writeFiles(dir, { "src/client.ts": `export const token = "${token}";\n`, "README.md": "# ok\n" });
  return { dir, token };
}

describe("patchwright scan (exit codes and formats)", () => {
  it("exits 0 on a clean folder and says so", async () => {
    const dir = tempDir();
    writeFiles(dir, { "a.ts": "export const a = process.env.TOKEN;\n" });
    const r = await cli(["scan", "."], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^No leaks found \(1 file, /);
  });

  it("exits 1 with findings, printing location, rule, redaction and how to allow", async () => {
    const { dir, token } = leakyDir();
    const r = await cli(["scan"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("src/client.ts:1:23");
    expect(r.stdout).toContain(`${token.slice(0, 4)}…(40 chars)`);
    expect(r.stdout).toContain("patchwright:allow");
    expect(r.stdout).not.toContain(token.slice(4));
    expect(r.stdout).not.toContain("\x1b["); // not a terminal: no colour
  });

  it("prints the documented JSON", async () => {
    const { dir, token } = leakyDir();
    const r = await cli(["scan", ".", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    const report = ScanReport.parse(JSON.parse(r.stdout));
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ path: "src/client.ts", line: 1, column: 23, where: "file" });
    expect(Object.keys(report.findings[0]!).sort()).toEqual(
      [
        "column",
        "confidence",
        "fingerprint",
        "line",
        "message",
        "path",
        "redacted",
        "ruleId",
        "severity",
        "where",
      ].sort(),
    );
    expect(report.findings[0]).toMatchObject({ severity: "error", confidence: "high" });
    expect(JSON.parse(r.stdout)).toHaveProperty("advisories", []);
    expect(report.stats).toMatchObject({ files: 2 });
    expect(r.stdout).not.toContain(token);
  });

  it("prints SARIF 2.1.0 that validates against the published schema", async () => {
    const { dir, token } = leakyDir();
    const repo = tempRepo();
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    commit(repo, { "a.ts": `const t = "${githubToken(rand)}";\n` }, "falcon work");
    const files = await cli(["scan", ".", "--format", "sarif"], { cwd: dir });
    const history = await cli(["scan", "--git", `${base}..HEAD`, "--format", "sarif"], {
      cwd: repo,
      env: { PATCHWRIGHT_FORBIDDEN_TERMS: "falcon" },
    });
    const require = createRequire(import.meta.url);
    const platformPackage = dirname(
      require.resolve(
        `@microsoft/sarif-multitool-${process.platform === "win32" ? "win32" : process.platform}/package.json`,
      ),
    );
    const schema = JSON.parse(readFileSync(join(platformPackage, "sarif-2.1.0.json"), "utf8")) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
    for (const r of [files, history]) {
      expect(r.code).toBe(1);
      const log = JSON.parse(r.stdout) as {
        runs: { results: { ruleId: string; partialFingerprints: object }[] }[];
      };
      expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
      expect(log.runs[0]!.results.length).toBeGreaterThan(0);
    }
    expect(files.stdout).not.toContain(token);
    const results = (JSON.parse(history.stdout) as { runs: { results: { ruleId: string }[] }[] }).runs[0]!
      .results;
    expect(results.map((x) => x.ruleId).sort()).toEqual(["forbidden-term", "github-pat-classic"]);
  });

  it("exits 2, with one plain sentence, when it cannot scan", async () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [["scan", "missing-folder"], /could not scan: cannot read missing-folder/],
      [["scan", "--git", "HEAD~1..HEAD"], /could not scan: git log failed/],
      [["scan", ".", "--staged"], /choose one of PATH, --staged/],
      [["scan", "--format", "xml"], /argument 'xml' is invalid/],
      [["scan", "--config", "nope.yml"], /cannot read the config nope.yml/],
      [["scan", "--baseline", "nope.json"], /cannot read the baseline/],
      [["scan", "--text", "file.txt"], /--text reads standard input/],
      [["scan", "--bogus"], /unknown option/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv, { cwd: dir });
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr, argv.join(" ")).toMatch(message);
    }
  });

  it("exits 2 on a bad config, naming the field", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      "bad-type.yml": "guard:\n  aiAttribution: sometimes\n",
      "unknown.yml": "guard:\n  allow:\n    pathz: [x]\n",
      "bad-rule.yml": "allow:\n  rules: [no-such-rule]\n",
      "bad-yaml.yml": "guard: [\n",
      "bad-hash.yml": "forbiddenTermHashes: [abc]\n",
    });
    const expectations: Record<string, RegExp> = {
      "bad-type.yml": /bad-type.yml: `guard.aiAttribution` must be true or false, not "sometimes"/,
      "unknown.yml": /unknown.yml: `guard.allow.pathz` is not a setting \(did you mean `paths`\?\)/,
      "bad-rule.yml": /`allow.rules\[0\]` must be the id of a leak guard rule/,
      "bad-yaml.yml": /not valid YAML/,
      "bad-hash.yml": /`forbiddenTermHashes\[0\]` is "abc", which is not valid: expected sha256:<salt>/,
    };
    for (const [file, message] of Object.entries(expectations)) {
      const r = await cli(["scan", ".", "--config", file], { cwd: dir });
      expect(r.code, file).toBe(2);
      expect(r.stderr, file).toMatch(message);
    }
  });

  it("reads the guard section of .github/patchwright.yml and warns about plain terms in it", async () => {
    const repo = tempRepo({
      ".github/patchwright.yml": "guard:\n  forbiddenTerms: [falcon]\n",
      "a.md": "falcon\n",
    });
    const r = await cli(["scan", "a.md"], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/warning: .* leaks them/);
  });

  it("takes forbidden terms from the environment, plain or hashed", async () => {
    const dir = tempDir();
    writeFiles(dir, { "notes.md": "The FalconService talks to nimbus-db.\n" });
    const hashed = await cli(["hash-term", "nimbus", "--salt", "s1"], { cwd: dir });
    expect(hashed.code).toBe(0);
    const r = await cli(["scan", ".", "--format", "json"], {
      cwd: dir,
      env: {
        PATCHWRIGHT_FORBIDDEN_TERMS: "falcon, other",
        PATCHWRIGHT_FORBIDDEN_TERM_HASHES: hashed.stdout.trim(),
      },
    });
    const report = ScanReport.parse(JSON.parse(r.stdout));
    expect(report.findings.map((f) => [f.ruleId, f.column])).toEqual([
      ["forbidden-term", 5],
      ["forbidden-term", 28],
    ]);
  });

  it("accepts findings listed in a baseline made from a JSON report", async () => {
    const { dir } = leakyDir();
    const first = await cli(["scan", ".", "--format", "json"], { cwd: dir });
    writeFiles(dir, { "baseline.json": first.stdout });
    const again = await cli(["scan", ".", "--baseline", "baseline.json"], { cwd: dir });
    expect(again.code).toBe(0);
    writeFiles(dir, { "src/other.ts": `const o = "${githubToken(rand)}";\n` });
    const more = await cli(["scan", ".", "--baseline", "baseline.json", "--format", "json"], { cwd: dir });
    expect(ScanReport.parse(JSON.parse(more.stdout)).findings.map((f) => f.path)).toEqual(["src/other.ts"]);
  });

  it("scans a text on standard input", async () => {
    const token = githubToken(rand);
    const clean = await cli(["scan", "--text", "-"], { cwd: tempDir(), stdin: "Looks good to me." });
    expect(clean.code).toBe(0);
    const leaky = await cli(["scan", "--text", "-"], { cwd: tempDir(), stdin: `Use ${token}` });
    expect(leaky.code).toBe(1);
    expect(leaky.stdout).toContain("text:1:5");
  });
});

describe("the installed bin", () => {
  const run = promisify(execFile);

  it("runs as a command and exits with the scan's code", async () => {
    const { dir } = leakyDir();
    const failed = await run(process.execPath, [BIN, "scan", dir, "--no-color"]).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed).toMatchObject({ code: 1 });
    // Run as a program, the way npm's bin link and npx call it: it needs its executable bit and shebang.
    const version = await run(BIN, ["--version"]);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
