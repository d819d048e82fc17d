import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGuardCheck } from "../../src/action/guard-check.js";
import { commit, git, tempDir, tempRepo } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(2024);

async function check(repo: string, base: string, head: string) {
  const eventPath = join(tempDir(), "event.json");
  writeFileSync(eventPath, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: head } } }));
  const result = await runGuardCheck(
    { scope: "auto", forbiddenTerms: "", forbiddenTermHashes: "" },
    { workspace: repo, eventName: "pull_request", eventPath, env: {} },
  );
  if (!result.ok) throw new Error(result.error);
  return result.report.findings;
}

describe("the Action's guard check on a pull request", () => {
  it("judges the commits by the base's rules, not by a config the pull request itself loosens", async () => {
    const repo = tempRepo({ ".github/patchwright.yml": "guard:\n  allow:\n    paths: [docs/**]\n" });
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    const head = commit(
      repo,
      {
        ".github/patchwright.yml": "guard:\n  allow:\n    paths: [docs/**, src/**]\n",
        "src/client.ts": `export const token = "${githubToken(rand)}";\n`,
      },
      "add a client",
    );
    expect((await check(repo, base, head)).map((f) => f.path)).toEqual(["src/client.ts"]);
  });

  it("still applies what the base allows", async () => {
    const repo = tempRepo({ ".github/patchwright.yml": "guard:\n  allow:\n    paths: [docs/**]\n" });
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    const head = commit(repo, { "docs/example.md": `token: ${githubToken(rand)}\n` }, "docs");
    expect(await check(repo, base, head)).toEqual([]);
  });
});
