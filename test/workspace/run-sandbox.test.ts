import { existsSync, realpathSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openRunSandbox } from "../../src/workspace/sandbox/run-sandbox.js";
import { tempDir } from "../helpers/temp-repo.js";

describe("a run's sandbox", () => {
  it("gives the run a HOME and a scratch folder of its own, a scrubbed env, and takes all down", async () => {
    const run = await openRunSandbox({
      hostEnv: { PATH: process.env["PATH"], PATCHWRIGHT_SANDBOX: "none", GITHUB_TOKEN: "not-for-commands" },
      root: realpathSync(tempDir()),
      readable: [],
      network: false,
      readOnly: true,
    });
    const home = run.env["HOME"]!;
    expect([existsSync(home), existsSync(run.scratchDir)]).toEqual([true, true]);
    expect(home).not.toBe(process.env["HOME"]);
    expect(run.env).not.toHaveProperty("GITHUB_TOKEN");
    await Promise.all([run.dispose(), run.dispose()]);
    await run.dispose();
    expect([existsSync(home), existsSync(run.scratchDir)]).toEqual([false, false]);
  });
});
