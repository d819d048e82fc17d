import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

describe("npm run demo", () => {
  it("replays a run through the real code path, says it is a replay, and opens the pull request", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, "demo/run.mjs")], {
      env: { PATH: process.env["PATH"] ?? "" },
    });
    expect(stdout).toMatch(/^REPLAY/);
    expect(stdout).toContain("front door: queued (implement run)");
    expect(stdout).toMatch(/pull request #2 opened: "Fix the off-by-one in pagination"/);
    expect(stdout).toContain("tests: passed");
    expect(stdout).toContain("origin now has patchwright/issue-1-fix-the-off-by-one-in");
  });
});
