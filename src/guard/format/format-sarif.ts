import type { Log, ReportingDescriptor, Result } from "sarif";
import type { Finding, ScanReport } from "../finding.js";
import { RULE_CATALOG } from "../rules/index.js";

const INFO_URI = "https://github.com/patchwright/patchwright/blob/main/docs/leak-guard.md";

/**
 * SARIF 2.1.0 for GitHub code scanning. Findings outside files (commit messages, authors, branches,
 * texts) have no file to point at, so they carry a logical location naming the commit or the kind.
 */
export function formatSarif(report: ScanReport, version: string): string {
  const used = [...new Set(report.findings.map((f) => f.ruleId))].sort();
  const rules: ReportingDescriptor[] = used.map((id) => {
    const info = RULE_CATALOG.find((r) => r.id === id);
    const description = info?.description ?? id;
    return {
      id,
      name: id,
      shortDescription: { text: description },
      fullDescription: { text: `${description}. Category: ${info?.category ?? "secret"}.` },
      defaultConfiguration: { level: "error" },
      helpUri: `${INFO_URI}#${id}`,
      help: { text: HELP, markdown: HELP },
      properties: {
        tags: ["security", info?.category ?? "secret"],
        "security-severity": "8.0",
        precision: "high",
      },
    };
  });
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "patchwright", semanticVersion: version, informationUri: INFO_URI, rules } },
        results: report.findings.map((f) => result(f, used.indexOf(f.ruleId))),
        columnKind: "utf16CodeUnits",
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

const HELP =
  "Remove the value and rotate it if it is a real secret. If it is not: add `patchwright:allow` on the line " +
  "(in a range of commits it counts only on lines already on the base side), list the path or rule under " +
  "guard.allow in .github/patchwright.yml, or accept it with a baseline (--baseline).";

function result(f: Finding, ruleIndex: number): Result {
  const where = f.commit ? ` in commit ${f.commit.slice(0, 12)}` : "";
  const base: Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: "error",
    message: { text: `${f.message}: ${f.redacted}${where}` },
    partialFingerprints: { "patchwright/v1": f.fingerprint },
  };
  if (f.path && (f.where === "file" || f.where === "package")) {
    base.locations = [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(f.path), uriBaseId: "%SRCROOT%" },
          region: { startLine: f.line, startColumn: f.column },
        },
      },
    ];
  } else {
    base.locations = [
      { logicalLocations: [{ name: f.commit ?? f.where, kind: f.commit ? "commit" : f.where }] },
    ];
  }
  return base;
}
