import type { Invocation, Log, Notification, ReportingDescriptor, Result } from "sarif";
import type { Finding, ScanReport, Severity, SkippedFile } from "../finding.js";
import { RULE_CATALOG } from "../rules/index.js";
import { ENV_FILE } from "../rules/packaging.js";

const INFO_URI = "https://github.com/patchwright/patchwright/blob/main/docs/leak-guard.md";

/**
 * The section of docs/leak-guard.md that documents a rule (GitHub's heading anchors; a test checks that
 * each exists). Per rule there is no heading: the rule tables are per group.
 */
export function helpAnchor(info: { id: string; category: string }): string {
  if (info.id === ENV_FILE.id) return "dotenv-files-a-policy-not-a-leak";
  switch (info.category) {
    case "internal-name":
      return "internal-names-forbidden-terms";
    case "attribution":
      return "ai-attribution-when-asked";
    case "packaging":
      return "packaging-leaks";
    default:
      return "secrets-built-in-offline";
  }
}

/**
 * What stands for the file of a finding that is in no file: code scanning drops a result without a
 * physical location, so a commit message, an identity, a branch, a tag, a note or a text gets a
 * pseudo-path naming it (documented in docs/leak-guard.md), and the commit in the result's properties.
 */
const NOT_A_FILE: Record<Exclude<Finding["where"], "file" | "package">, string> = {
  message: "(commit-message)",
  author: "(commit-author)",
  branch: "(branch-name)",
  tag: "(tag)",
  note: "(git-note)",
  text: "(text)",
};

/** SARIF 2.1.0 for GitHub code scanning: every result has a physical location (see NOT_A_FILE). */
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
      helpUri: `${INFO_URI}#${helpAnchor(info ?? { id, category: "secret" })}`,
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
  const inFile = f.where === "file" || f.where === "package";
  const uri =
    inFile && f.path
      ? f.path.split("/").map(encodeURIComponent).join("/")
      : (NOT_A_FILE[f.where as keyof typeof NOT_A_FILE] ?? "(text)");
  const base: Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: f.severity,
    message: { text: `${f.message}: ${f.redacted}${where}` },
    partialFingerprints: { "patchwright/v1": f.fingerprint },
    properties: {
      confidence: f.confidence,
      blocking,
      where: f.where,
      ...(f.commit ? { commit: f.commit } : {}),
    },
    locations: [
      {
        physicalLocation: {
          // A file is relative to the checkout; a pseudo-path is not, so it carries no base.
          artifactLocation: inFile && f.path ? { uri, uriBaseId: "%SRCROOT%" } : { uri },
          region: { startLine: f.line, startColumn: f.column },
        },
        ...(inFile
          ? {}
          : { logicalLocations: [{ name: f.commit ?? f.where, kind: f.commit ? "commit" : f.where }] }),
      },
    ],
  };
  return base;
}
