import { describe, expect, it } from "vitest";
import { runGuardCheck } from "../../src/action/guard-check.js";
import { guardOutbound, WITHHELD } from "../../src/github/guarded-comments.js";
import { GuardConfig } from "../../src/guard/config.js";
import { guardedPush } from "../../src/workspace/guarded-push.js";
import { pushRequest } from "../helpers/push-request.js";
import { commit, git, remoteAndClone, tempRepo } from "../helpers/temp-repo.js";
import { prng } from "../helpers/tokens.js";

const rand = prng(404);
/** A random 16-character value under a secret-looking name: the generic rule's low-confidence finding. */
const lowConfidence = (): string => `db_password = "${rand(16)}"\n`;

const remoteHas = (remote: string, branch: string): boolean =>
  git(remote, ["branch", "--list", branch]).trim() !== "";

// `--min-confidence` is for people reading a scan of their own code: nothing that lets the agent's work
// out, nor the checks on people's pull requests, looks at confidence.
describe("the guards block on a finding of any confidence", () => {
  it("a low-confidence finding blocks a guarded push", async () => {
    const s = remoteAndClone();
    commit(s.work, { "settings.py": lowConfidence() }, "the run's change");
    const result = await guardedPush(pushRequest(s));
    expect(result).toMatchObject({
      status: "blocked",
      findings: [{ ruleId: "generic-secret-assignment", confidence: "low" }],
    });
    expect(remoteHas(s.remote, "patchwright/fix-1")).toBe(false);
  });

  it("a low-confidence finding withholds a comment", () => {
    const body = `Set it like this:\n\n    ${lowConfidence()}`;
    expect(guardOutbound(body, GuardConfig.parse({}))).toMatch(
      new RegExp(`^${WITHHELD}: .*generic-secret-assignment`),
    );
  });

  it("a low-confidence finding fails the Action's guard check", async () => {
    const repo = tempRepo({ "settings.py": lowConfidence() });
    const result = await runGuardCheck(
      { scope: "tree", forbiddenTerms: "", forbiddenTermHashes: "" },
      { workspace: repo, eventName: "workflow_dispatch", env: {} },
    );
    expect(result.ok && result.report.findings.map((f) => [f.ruleId, f.confidence])).toEqual([
      ["generic-secret-assignment", "low"],
    ]);
  });

  it("a committed dotenv file blocks the agent's push by default, and not with envFiles: warn", async () => {
    const settings = { "apps/web/.env.production": "NEXT_PUBLIC_SITE=https://shop.example\n" };
    const blocked = remoteAndClone();
    commit(blocked.work, settings, "add the site's settings");
    expect(await guardedPush(pushRequest(blocked))).toMatchObject({
      status: "blocked",
      findings: [{ ruleId: "env-file", path: "apps/web/.env.production", severity: "warning" }],
    });
    expect(remoteHas(blocked.remote, "patchwright/fix-1")).toBe(false);

    const warned = remoteAndClone();
    commit(warned.work, settings, "add the site's settings");
    const guard = GuardConfig.parse({ policy: { envFiles: "warn" } });
    expect(await guardedPush(pushRequest(warned, { guard }))).toMatchObject({ status: "pushed" });
    expect(remoteHas(warned.remote, "patchwright/fix-1")).toBe(true);
  });
});
