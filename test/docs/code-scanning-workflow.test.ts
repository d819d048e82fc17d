import { execFile } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { tempDir } from "../helpers/temp-repo.js";

const run = promisify(execFile);
const doc = readFileSync(new URL("../../docs/leak-guard.md", import.meta.url), "utf8");

/** The scan step's shell, from the workflow docs/leak-guard.md documents for code scanning. */
function scanStep(): string {
  const block = /```yaml\n(# \.github\/workflows\/leak-guard\.yml\n[\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error("the code-scanning workflow is gone from docs/leak-guard.md");
  const workflow = parse(block) as { jobs: { scan: { steps: { name?: string; run?: string }[] } } };
  const step = workflow.jobs.scan.steps.find((s) => s.name === "scan");
  if (!step?.run) throw new Error("the workflow has no step named scan");
  return step.run;
}

/**
 * Runs the step as GitHub runs a `run:` (bash -e -o pipefail), with `patchwright` on PATH replaced by a
 * script that prints `stdout` and exits `code`, or missing altogether.
 */
async function runStep(
  fake: { code: number; stdout: string } | "missing",
): Promise<{ code: number; out: string }> {
  const dir = tempDir();
  const bin = join(dir, "bin");
  await run("mkdir", [bin]);
  if (fake !== "missing") {
    writeFileSync(join(dir, "out.txt"), fake.stdout);
    writeFileSync(join(bin, "patchwright"), `#!/bin/sh\ncat "${join(dir, "out.txt")}"\nexit ${fake.code}\n`);
    chmodSync(join(bin, "patchwright"), 0o755);
  }
  const script = join(dir, "step.sh");
  writeFileSync(script, scanStep());
  const env = { PATH: `${bin}:/usr/bin:/bin` };
  return run("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], { cwd: dir, env }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );
}

const sarif = (results: number): string =>
  JSON.stringify({
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "patchwright" } }, results: Array(results).fill({}) }],
  });

describe("the documented code-scanning workflow", () => {
  it("uploads a clean report and a report with findings", async () => {
    expect((await runStep({ code: 0, stdout: sarif(0) })).code).toBe(0);
    expect((await runStep({ code: 1, stdout: sarif(2) })).code).toBe(0);
  });

  it("fails the job when the scan could not run, instead of uploading 'no leaks'", async () => {
    const cases: [Parameters<typeof runStep>[0], RegExp][] = [
      [{ code: 2, stdout: "" }, /could not scan \(exit 2\)/],
      ["missing", /could not scan \(exit 127\)/],
      // npx failing to fetch the package exits 1 with nothing on standard output; so does a crash.
      [{ code: 1, stdout: "" }, /wrote no report \(exit 1\)/],
      [{ code: 1, stdout: '{"runs": [' }, /wrote no report \(exit 1\)/],
    ];
    for (const [fake, message] of cases) {
      const r = await runStep(fake);
      expect(r.code, JSON.stringify(fake)).not.toBe(0);
      expect(r.out).toMatch(message);
    }
  });
});
