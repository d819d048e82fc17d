import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { ScanReport } from "../../src/guard/finding.js";
import { cli } from "../helpers/run-cli.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(61);
const HF = "h" + "f_";

/** One finding of each confidence, and a committed dotenv file. */
function mixedDir(): string {
  const dir = tempDir();
  writeFiles(dir, {
    "src/client.ts": `export const token = "${githubToken(rand)}";\n`,
    "deploy/env.sh": `export HF_TOKEN=${HF}${rand(34)}\n`,
    "settings.py": `db_password = "${rand(16)}"\n`,
    ".env": "NODE_ENV=production\n",
  });
  return dir;
}

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; defaultConfiguration: { level: string } }[] } };
    results: { ruleId: string; level: string; properties: { confidence: string; blocking: boolean } }[];
  }[];
}

function sarifValidator(): (log: unknown) => boolean {
  const require = createRequire(import.meta.url);
  const pkg = `@microsoft/sarif-multitool-${process.platform === "win32" ? "win32" : process.platform}/package.json`;
  const schema = JSON.parse(
    readFileSync(join(dirname(require.resolve(pkg)), "sarif-2.1.0.json"), "utf8"),
  ) as object;
  const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
  return (log) => validate(log);
}

describe("patchwright scan: severity, confidence and --min-confidence", () => {
  it("shows each finding's severity and confidence in text, JSON and SARIF", async () => {
    const dir = mixedDir();
    const text = await cli(["scan", "."], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/src\/client\.ts:1:\d+ {2}github-pat-classic \[error, high confidence\]/);
    expect(text.stdout).toMatch(/deploy\/env\.sh:1:\d+ {2}huggingface-token \[error, medium confidence\]/);
    expect(text.stdout).toMatch(/settings\.py:1:\d+ {2}generic-secret-assignment \[error, low confidence\]/);
    expect(text.stdout).toMatch(/\.env:1:1 {2}env-file \[warning, high confidence\]/);

    const json = ScanReport.parse(
      JSON.parse((await cli(["scan", ".", "--format", "json"], { cwd: dir })).stdout),
    );
    expect(json.findings.map((f) => [f.ruleId, f.severity, f.confidence]).sort()).toEqual([
      ["env-file", "warning", "high"],
      ["generic-secret-assignment", "error", "low"],
      ["github-pat-classic", "error", "high"],
      ["huggingface-token", "error", "medium"],
    ]);

    const sarif = await cli(["scan", ".", "--format", "sarif"], { cwd: dir });
    const log = JSON.parse(sarif.stdout) as SarifLog;
    expect(sarifValidator()(log)).toBe(true);
    const run = log.runs[0]!;
    expect(
      run.results.map((r) => [r.ruleId, r.level, r.properties.confidence, r.properties.blocking]).sort(),
    ).toEqual([
      ["env-file", "warning", "high", true],
      ["generic-secret-assignment", "error", "low", true],
      ["github-pat-classic", "error", "high", true],
      ["huggingface-token", "error", "medium", true],
    ]);
    expect(run.tool.driver.rules.find((r) => r.id === "env-file")?.defaultConfiguration.level).toBe(
      "warning",
    );
  });

  it("--min-confidence leaves out what is below it, says how many on stderr, and exits by what is left", async () => {
    const dir = mixedDir();
    const medium = await cli(["scan", ".", "--min-confidence", "medium", "--format", "json"], { cwd: dir });
    expect(medium.code).toBe(1);
    expect(
      ScanReport.parse(JSON.parse(medium.stdout))
        .findings.map((f) => f.ruleId)
        .sort(),
    ).toEqual(["env-file", "github-pat-classic", "huggingface-token"]);
    expect(medium.stderr).toBe("patchwright: 1 finding below --min-confidence medium not shown\n");
    const high = await cli(["scan", ".", "--min-confidence", "high"], { cwd: dir });
    expect(high.stdout).not.toContain("huggingface-token");
    expect(high.stderr).toContain("2 findings below --min-confidence high");

    const lowOnly = tempDir();
    writeFiles(lowOnly, { "settings.py": `db_password = "${rand(16)}"\n` });
    expect((await cli(["scan", "."], { cwd: lowOnly })).code).toBe(1);
    const filtered = await cli(["scan", ".", "--min-confidence", "medium"], { cwd: lowOnly });
    expect(filtered).toMatchObject({ code: 0 });
    expect(filtered.stdout).toMatch(/^No leaks found/);
    // `low` is everything, the default.
    expect((await cli(["scan", ".", "--min-confidence", "low"], { cwd: lowOnly })).code).toBe(1);
  });

  it("refuses a confidence it does not know (exit 2)", async () => {
    const r = await cli(["scan", ".", "--min-confidence", "certain"], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/argument 'certain' is invalid/);
  });

  it("guard.policy.envFiles: warn reports a dotenv file in every format without failing the scan", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      ".github/patchwright.yml": "guard:\n  policy:\n    envFiles: warn\n",
      "apps/web/.env.production": "NEXT_PUBLIC_SITE=https://shop.example\n",
    });
    const text = await cli(["scan", "."], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^No leaks found/);
    expect(text.stdout).toContain("Reported without blocking");
    expect(text.stdout).toContain("apps/web/.env.production:1:1  env-file [warning, high confidence]");
    const json = ScanReport.parse(
      JSON.parse((await cli(["scan", ".", "--format", "json"], { cwd: dir })).stdout),
    );
    expect([json.findings, json.advisories.map((f) => f.path)]).toEqual([[], ["apps/web/.env.production"]]);
    const sarif = await cli(["scan", ".", "--format", "sarif"], { cwd: dir });
    expect(sarif.code).toBe(0);
    const log = JSON.parse(sarif.stdout) as SarifLog;
    expect(sarifValidator()(log)).toBe(true);
    expect(log.runs[0]!.results).toEqual([
      expect.objectContaining({
        ruleId: "env-file",
        level: "warning",
        properties: { confidence: "high", blocking: false, where: "file" },
      }),
    ]);
  });
});
