import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import { formatSarif } from "../../src/guard/format/format-sarif.js";
import { RULE_CATALOG } from "../../src/guard/rules/index.js";
import { scan } from "../../src/guard/scan.js";
import { commit, git, tempRepo } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(1609);

interface SarifResult {
  ruleId: string;
  properties: { where: string; commit?: string };
  locations: {
    physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region: object };
  }[];
}
interface SarifLog {
  runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: SarifResult[] }[];
}

function validator(): (log: unknown) => boolean {
  const require = createRequire(import.meta.url);
  const pkg = `@microsoft/sarif-multitool-${process.platform === "win32" ? "win32" : process.platform}/package.json`;
  const schema = JSON.parse(
    readFileSync(join(dirname(require.resolve(pkg)), "sarif-2.1.0.json"), "utf8"),
  ) as object;
  return new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

/** GitHub's heading anchors: lower-cased, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const headings = [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!);
  return new Set(
    headings.map((h) =>
      h
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-"),
    ),
  );
}

describe("SARIF for code scanning", () => {
  it("gives every result of a --git scan a physical location, and a file finding its commit", async () => {
    const repo = tempRepo();
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    const sha = commit(
      repo,
      { "src/a b#1.ts": `const t = "${githubToken(rand)}";\n` },
      `wip\n\ntoken ${githubToken(rand)}`,
    );
    git(repo, ["notes", "add", "-m", `n ${githubToken(rand)}`, sha]);
    const report = await scan(
      { mode: "git", range: `${base}..${sha}` },
      { cwd: repo, config: GuardConfig.parse({}) },
    );
    const log = JSON.parse(formatSarif(report, "0.0.0")) as SarifLog;
    const validate = validator();
    expect(validate(log)).toBe(true);
    const results = log.runs[0]!.results;
    expect(
      results.map((r) => [
        r.properties.where,
        r.locations[0]!.physicalLocation?.artifactLocation,
        r.properties.commit,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ["file", { uri: "src/a%20b%231.ts", uriBaseId: "%SRCROOT%" }, sha],
        ["message", { uri: "(commit-message)" }, sha],
        ["note", { uri: "(git-note)" }, sha],
      ]),
    );
    expect(results).toHaveLength(3);
    for (const r of results) expect(r.locations[0]!.physicalLocation?.region).toBeDefined();
  });

  it("points every rule's helpUri at a section of docs/leak-guard.md that exists and names the rule", () => {
    const doc = readFileSync(new URL("../../docs/leak-guard.md", import.meta.url), "utf8");
    const known = anchors(doc);
    const report = {
      findings: RULE_CATALOG.map((r, i) => ({
        ruleId: r.id,
        message: r.description,
        path: "a.ts",
        line: 1,
        column: 1,
        where: "file" as const,
        severity: r.severity,
        confidence: r.confidence,
        redacted: "…(8 chars)",
        fingerprint: String(i),
      })),
      advisories: [],
      stats: { files: 1, bytes: 1, ms: 1 },
    };
    const rules = (JSON.parse(formatSarif(report, "0.0.0")) as SarifLog).runs[0]!.tool.driver.rules;
    expect(rules).toHaveLength(RULE_CATALOG.length);
    const missing = rules.filter((r) => !known.has(r.helpUri.split("#")[1]!)).map((r) => r.helpUri);
    expect(missing).toEqual([]);
  });
});
