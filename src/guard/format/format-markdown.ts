import type { Finding, ScanReport, SkippedFile } from "../finding.js";

/** A Markdown account of a scan, for a job summary or a comment: redacted values only. */
export function formatMarkdown(report: ScanReport): string {
  const { findings, advisories, stats } = report;
  const skipped = report.skipped ?? [];
  const advised = [
    ...(advisories.length
      ? ["", "Reported without blocking (`guard.policy` in the config):", "", ...table(advisories)]
      : []),
    ...(skipped.length ? ["", "Not scanned, or scanned only in part:", "", ...skippedTable(skipped)] : []),
  ];
  if (findings.length === 0) {
    return [
      "### Leak guard: nothing found",
      "",
      `Scanned ${stats.files} files (${stats.bytes} bytes).`,
      ...advised,
      "",
    ].join("\n");
  }
  return [
    `### Leak guard: ${findings.length} ${findings.length === 1 ? "finding" : "findings"}`,
    "",
    ...table(findings),
    ...advised,
    "",
    "A real secret: remove it and rotate it. A false positive: list the path or rule under `guard.allow` in " +
      "`.github/patchwright.yml`. (`patchwright:allow` on the line counts only once the line is on the base " +
      "branch: a change cannot allow its own finding.)",
    "",
  ].join("\n");
}

function table(findings: readonly Finding[]): string[] {
  return [
    "| where | rule | severity | confidence | what | value (redacted) |",
    "| --- | --- | --- | --- | --- | --- |",
    ...findings.map(
      (f) =>
        `| ${cell(where(f))} | \`${f.ruleId}\` | ${f.severity} | ${f.confidence} | ${cell(f.message)} | \`${cell(f.redacted)}\` |`,
    ),
  ];
}

function skippedTable(files: readonly SkippedFile[]): string[] {
  return [
    "| file | reason | what was scanned |",
    "| --- | --- | --- |",
    ...files.map((f) => {
      const commit = f.commit ? ` (commit ${f.commit.slice(0, 12)})` : "";
      return `| ${cell(f.path + commit)} | ${f.reason} | ${cell(f.detail)} |`;
    }),
  ];
}

function where(f: Finding): string {
  const commit = f.commit ? ` (commit ${f.commit.slice(0, 12)})` : "";
  if (f.where === "file" || f.where === "package") return `${f.path}:${f.line}${commit}`;
  return `${f.where}${commit}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
