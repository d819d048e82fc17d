import type { Finding, ScanReport, SkippedFile } from "../finding.js";

export interface TextStyle {
  color: boolean;
}

/** For people: where, which rule, the redacted value, and how to allow a false positive. */
export function formatText(report: ScanReport, style: TextStyle): string {
  const paint = (code: number, s: string): string => (style.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const { findings, advisories, stats } = report;
  const skipped = report.skipped ?? [];
  const seconds = (stats.ms / 1000).toFixed(2);
  const notAll = skipped.length ? `, ${skipped.length} skipped or scanned in part` : "";
  const scanned = `${stats.files} ${stats.files === 1 ? "file" : "files"}, ${formatBytes(stats.bytes)} in ${seconds}s${notAll}`;
  const line = (f: Finding): string => {
    const commit = f.commit ? ` ${paint(2, `(commit ${f.commit.slice(0, 12)})`)}` : "";
    const rating = paint(2, `[${f.severity}, ${f.confidence} confidence]`);
    return `${paint(1, location(f))}  ${paint(31, f.ruleId)} ${rating}  ${f.message}: ${paint(33, f.redacted)}${commit}`;
  };
  const advised = [
    ...(advisories.length
      ? ["", "Reported without blocking (guard.policy in the config):", ...advisories.map(line)]
      : []),
    ...(skipped.length
      ? ["", "Not scanned, or scanned only in part:", ...skipped.map((f) => skippedLine(f, paint))]
      : []),
  ];
  if (findings.length === 0) {
    return [`${paint(32, "No leaks found")} (${scanned}).`, ...advised, ""].join("\n");
  }

  const count = `${findings.length} ${findings.length === 1 ? "finding" : "findings"}`;
  return [
    ...findings.map(line),
    ...advised,
    "",
    `${paint(31, count)} (${scanned}). Nothing should leave until each is removed or allowed.`,
    "A real secret: remove it and rotate it (it may already be in history).",
    "A false positive: add `patchwright:allow` in a comment on the line (in a --git range it counts only on",
    "lines already on the base side), list the path or rule under guard.allow in .github/patchwright.yml,",
    "or accept the current findings with",
    "`patchwright scan --format json > .patchwright-baseline.json` and `--baseline .patchwright-baseline.json`.",
    "",
  ].join("\n");
}

function skippedLine(f: SkippedFile, paint: (code: number, s: string) => string): string {
  const commit = f.commit ? ` ${paint(2, `(commit ${f.commit.slice(0, 12)})`)}` : "";
  return `${paint(1, f.path)}  ${paint(2, f.reason)}  ${f.detail}${commit}`;
}

function location(f: Finding): string {
  switch (f.where) {
    case "file":
    case "package":
      return `${f.path}:${f.line}:${f.column}`;
    case "message":
      return `commit message:${f.line}:${f.column}`;
    case "author":
      return f.line === 1 ? "commit author" : "commit committer";
    case "branch":
      return "branch name";
    case "tag":
      return f.line === 1 ? "tag name" : `tag message:${f.line - 1}:${f.column}`;
    case "note":
      return `git note:${f.line}:${f.column}`;
    case "text":
      return `text:${f.line}:${f.column}`;
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
