import { describe, expect, it } from "vitest";
import type { Finding, ScanReport } from "../../src/guard/finding.js";
import { formatMarkdown } from "../../src/guard/format/format-markdown.js";
import { formatText } from "../../src/guard/format/format-text.js";

const finding = (over: Partial<Finding>): Finding => ({
  ruleId: "generic-secret-assignment",
  message: "Hard-coded secret",
  path: "settings.py",
  line: 3,
  column: 15,
  where: "file",
  severity: "error",
  confidence: "low",
  redacted: "Zq8m…(16 chars)",
  fingerprint: "f".repeat(32),
  ...over,
});
const envFile = finding({
  ruleId: "env-file",
  message: "A dotenv file is committed",
  path: ".env",
  line: 1,
  column: 1,
  severity: "warning",
  confidence: "high",
  redacted: ".e…(4 chars)",
});
const report = (findings: Finding[], advisories: Finding[] = []): ScanReport => ({
  findings,
  advisories,
  stats: { files: 2, bytes: 100, ms: 5 },
});

describe("severity and confidence in the text and Markdown reports", () => {
  it("Markdown has a column for each, and lists what does not block apart", () => {
    const md = formatMarkdown(report([finding({})], [envFile]));
    expect(md).toContain("| where | rule | severity | confidence | what | value (redacted) |");
    expect(md).toContain("| settings.py:3 | `generic-secret-assignment` | error | low |");
    const [blocking, advised] = md.split("Reported without blocking");
    expect(blocking).not.toContain("env-file");
    expect(advised).toContain("| .env:1 | `env-file` | warning | high |");
  });

  it("a clean report still shows what does not block", () => {
    const md = formatMarkdown(report([], [envFile]));
    expect(md).toMatch(/^### Leak guard: nothing found\n/);
    expect(md).toContain("`env-file` | warning | high");
    const text = formatText(report([], [envFile]), { color: false });
    expect(text).toMatch(/^No leaks found \(2 files, 100 B in 0\.01s\)\.\n\nReported without blocking/);
    expect(text).toContain(
      ".env:1:1  env-file [warning, high confidence]  A dotenv file is committed: .e…(4 chars)",
    );
    expect(formatText(report([]), { color: false })).toBe("No leaks found (2 files, 100 B in 0.01s).\n");
  });
});
