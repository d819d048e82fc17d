import type { Invocation, Log, Notification, ReportingDescriptor, Result } from "sarif";
import type { Finding, ScanReport, Severity, SkippedFile } from "../finding.js";
import { RULE_CATALOG } from "../rules/index.js";

const INFO_URI = "https://github.com/patchwright/patchwright/blob/main/docs/leak-guard.md";

/**
 * SARIF 2.1.0 for GitHub code scanning. Findings outside files (commit messages, authors, branches,
 * texts) have no file to point at, so they carry a logical location naming the commit or the kind.
 */
export function formatSarif(report: ScanReport, version: string): string {
  const all = [...report.findings, ...report.advisories];
  const used = [...new Set(all.map((f) => f.ruleId))].sort();
  const rules: ReportingDescriptor[] = used.map((id) => {
    const info = RULE_CATALOG.find((r) => r.id === id);
    const description = info?.description ?? id;
    const severity = info?.severity ?? "error";
    return {
      id,
      name: id,
      shortDescription: { text: description },
      fullDescription: { text: `${description}. Category: ${info?.category ?? "secret"}.` },
      defaultConfiguration: { level: severity },
      helpUri: `${INFO_URI}#${id}`,
      help: { text: HELP, markdown: HELP },
      properties: {
        tags: ["security", info?.category ?? "secret"],
        "security-severity": SECURITY_SEVERITY[severity],
        precision: info?.confidence ?? "high",
      },
    };
  });
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "patchwright", semanticVersion: version, informationUri: INFO_URI, rules } },
        results: [
          ...report.findings.map((f) => result(f, used.indexOf(f.ruleId), true)),
          ...report.advisories.map((f) => result(f, used.indexOf(f.ruleId), false)),
        ],
        columnKind: "utf16CodeUnits",
        ...(report.skipped?.length ? { invocations: [invocation(report.skipped)] } : {}),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** The files not scanned, or scanned in part: one notification each, so no gap is silent. */
function invocation(skipped: readonly SkippedFile[]): Invocation {
  return {
    executionSuccessful: true,
    toolExecutionNotifications: skipped.map((f): Notification => ({
      // Binary content was scanned in part; what was not read at all is a warning.
      level: f.reason === "binary" ? "note" : "warning",
      message: { text: `${f.path}${f.commit ? ` (commit ${f.commit.slice(0, 12)})` : ""}: ${f.detail}` },
      descriptor: { id: `skipped-${f.reason}` },
      locations: [
        { physicalLocation: { artifactLocation: { uri: encodeURI(f.path), uriBaseId: "%SRCROOT%" } } },
      ],
    })),
  };
}

/** GitHub code scanning's scale: 7.0 and up is "high", 4.0 "medium", below it "low". */
const SECURITY_SEVERITY: Record<Severity, string> = { error: "8.0", warning: "5.0", note: "2.0" };

const HELP =
  "Remove the value and rotate it if it is a real secret. If it is not: add `patchwright:allow` on the line " +
  "(in a range of commits it counts only on lines already on the base side), list the path or rule under " +
  "guard.allow in .github/patchwright.yml, or accept it with a baseline (--baseline).";

/** `blocking` is false for what the config reports without blocking (a policy set to `warn`). */
function result(f: Finding, ruleIndex: number, blocking: boolean): Result {
  const where = f.commit ? ` in commit ${f.commit.slice(0, 12)}` : "";
  const base: Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: f.severity,
    message: { text: `${f.message}: ${f.redacted}${where}` },
    partialFingerprints: { "patchwright/v1": f.fingerprint },
    properties: { confidence: f.confidence, blocking },
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
