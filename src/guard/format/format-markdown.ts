import type { Finding, ScanReport } from "../finding.js";

/** A Markdown account of a scan, for a job summary or a comment: redacted values only. */
export function formatMarkdown(report: ScanReport): string {
  const { findings, stats } = report;
  if (findings.length === 0) {
    return `### Leak guard: nothing found\n\nScanned ${stats.files} files (${stats.bytes} bytes).\n`;
  }
  const rows = findings.map(
    (f) => `| ${cell(where(f))} | \`${f.ruleId}\` | ${cell(f.message)} | \`${cell(f.redacted)}\` |`,
  );
  return [
    `### Leak guard: ${findings.length} ${findings.length === 1 ? "finding" : "findings"}`,
    "",
    "| where | rule | what | value (redacted) |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    "A real secret: remove it and rotate it. A false positive: list the path or rule under `guard.allow` in " +
      "`.github/patchwright.yml`. (`patchwright:allow` on the line counts only once the line is on the base " +
      "branch: a change cannot allow its own finding.)",
    "",
  ].join("\n");
}

function where(f: Finding): string {
  const commit = f.commit ? ` (commit ${f.commit.slice(0, 12)})` : "";
  if (f.where === "file" || f.where === "package") return `${f.path}:${f.line}${commit}`;
  return `${f.where}${commit}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
