import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGuardCheck } from "../../src/action/guard-check.js";
import { commit, git, tempDir, tempRepo } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const rand = prng(1607);
const head = (repo: string): string => git(repo, ["rev-parse", "HEAD"]).trim();

/**
 * What a force-push of `feature` leaves in an Actions checkout: the remote's branches fetched (or only the
 * pushed one, `singleBranch`), `after` checked out, and the old tip `before` nowhere (it was rewritten away).
 * `main` holds an old token that is not the push's; the rewritten feature commit adds a new one.
 */
function forcePushed(opts: { singleBranch?: boolean } = {}) {
  const origin = tempRepo({
    "README.md": "# demo\n",
    "legacy.ts": `export const old = "${githubToken(rand)}";\n`,
  });
  git(origin, ["checkout", "-q", "-b", "feature"]);
  const token = githubToken(rand);
  const after = commit(origin, { "src/client.ts": `export const t = "${token}";\n` }, "rewritten feature");
  const checkout = tempDir("pw-checkout-");
  const single = opts.singleBranch ? ["--single-branch", "--branch", "feature"] : ["--branch", "feature"];
  git(checkout, ["clone", "-q", ...single, origin, "."]);
  const payload = webhookExample("push", (p) => p["ref"] === "refs/heads/master" && p["created"] === true);
  Object.assign(payload, {
    ref: "refs/heads/feature",
    before: "5".repeat(40),
    after,
    created: false,
    forced: true,
  });
  (payload["repository"] as Record<string, unknown>)["default_branch"] = "main";
  const eventPath = join(tempDir(), "event.json");
  writeFileSync(eventPath, JSON.stringify(payload));
  return { checkout, eventPath, after };
}

const check = (workspace: string, eventPath: string) =>
  runGuardCheck(
    { scope: "auto", forbiddenTerms: "", forbiddenTermHashes: "" },
    { workspace, eventName: "push", eventPath, env: {} },
  );

describe("the Action's guard on a force-push", () => {
  it("scans what the push made reachable, not on any other branch, and says so", async () => {
    const { checkout, eventPath, after } = forcePushed();
    const result = await check(checkout, eventPath);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.report.findings.map((f) => [f.path, f.commit])).toEqual([["src/client.ts", after]]);
    expect(result.scanned).toBe(
      `what the push made reachable: ${after.slice(0, 12)} and its ancestors on no other branch ` +
        `(the push was forced, and its old tip ${"5".repeat(12)} is not in the checkout)`,
    );
  });

  it("falls back to the tree when no other branch was fetched, and says why", async () => {
    const { checkout, eventPath } = forcePushed({ singleBranch: true });
    const result = await check(checkout, eventPath);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.report.findings.map((f) => f.path).sort()).toEqual(["legacy.ts", "src/client.ts"]);
    expect(result.scanned).toMatch(/^the checked-out tree: the push was forced, .* `fetch-depth: 0`/);
  });

  it("still scans before..after when the old tip is in the checkout", async () => {
    const repo = tempRepo();
    const before = head(repo);
    const after = commit(repo, { "a.ts": `const t = "${githubToken(rand)}";\n` }, "add");
    const payload = webhookExample("push", (p) => p["created"] === true);
    Object.assign(payload, { before, after, created: false, ref: "refs/heads/main" });
    const eventPath = join(tempDir(), "event.json");
    writeFileSync(eventPath, JSON.stringify(payload));
    const result = await check(repo, eventPath);
    expect(result.ok && [result.scanned, result.report.findings.length]).toEqual([
      `the push's commits (${before.slice(0, 12)}..${after.slice(0, 12)})`,
      1,
    ]);
  });
});
