import * as core from "@actions/core";
import { formatMarkdown } from "../guard/format/format-markdown.js";
import { runGuardCheck } from "./guard-check.js";
import { GuardScope } from "./guard-target.js";

// The Action's entry: the only file that knows @actions/core. Today it runs the leak guard as a check.
async function main(): Promise<void> {
  const terms = core.getInput("forbidden-terms");
  // Registered as secrets, the terms are masked wherever they would appear in the job's log.
  for (const term of terms.split(/[,\n]/).map((t) => t.trim())) if (term) core.setSecret(term);
  const scope = GuardScope.safeParse(core.getInput("scan") || "auto");
  if (!scope.success) return core.setFailed(`The input "scan" must be auto, tree or pack.`);

  const result = await runGuardCheck(
    {
      scope: scope.data,
      forbiddenTerms: terms,
      forbiddenTermHashes: core.getInput("forbidden-term-hashes"),
      config: core.getInput("config") || undefined,
    },
    {
      workspace: process.env["GITHUB_WORKSPACE"] ?? process.cwd(),
      eventName: process.env["GITHUB_EVENT_NAME"] ?? "",
      eventPath: process.env["GITHUB_EVENT_PATH"],
      env: process.env,
    },
  );
  if (!result.ok) return core.setFailed(result.error);

  const { report, warnings } = result;
  for (const w of warnings) core.warning(w);
  for (const f of report.findings) {
    const file =
      f.where === "file" || f.where === "package"
        ? { file: f.path, startLine: f.line, startColumn: f.column }
        : {};
    core.error(`${f.message}: ${f.redacted}${f.commit ? ` (commit ${f.commit.slice(0, 12)})` : ""}`, {
      title: `patchwright: ${f.ruleId}`,
      ...file,
    });
  }
  core.setOutput("findings", report.findings.length);
  if (process.env["GITHUB_STEP_SUMMARY"]) await core.summary.addRaw(formatMarkdown(report)).write();
  if (report.findings.length > 0) {
    core.setFailed(
      `The leak guard found ${report.findings.length} leak(s); see the annotations and the job summary.`,
    );
  }
}

main().catch((err: unknown) => {
  core.setFailed(`patchwright failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`);
});
