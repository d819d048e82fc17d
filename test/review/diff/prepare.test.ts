import { describe, expect, it } from "vitest";
import { RepoConfig } from "../../../src/config/schema.js";
import type { LocalPatchRequest } from "../../../src/review/diff/changed-files.js";
import { prepareDiff } from "../../../src/review/diff/prepare.js";
import { renderChunk } from "../../../src/review/diff/render.js";
import { githubApi, testOctokit } from "../../helpers/github-api.js";
import { comparison, diffEntry } from "./github-payloads.js";

const repo = { owner: "o", repo: "r" };
const BASE = "1111111111111111111111111111111111111111";
const HEAD = "2222222222222222222222222222222222222222";
const LAST = "3333333333333333333333333333333333333333";
const paths = RepoConfig.parse({}).review.paths;
const budget = { tokensPerCall: 20_000, maxCalls: 2 };

describe("prepareDiff", () => {
  it("fetches, completes, filters and plans a pull request's diff", async () => {
    githubApi()
      .get("/repos/o/r/pulls/5/files")
      .query({ per_page: 100, page: 1 })
      .reply(200, [
        diffEntry("src/api.ts", { patch: "@@ -1,2 +1,3 @@\n import x;\n+export const y = x();\n done();" }),
        diffEntry("package-lock.json", { patch: "@@ -1 +1 @@\n-{}\n+{ }" }),
        diffEntry("src/huge.ts", { additions: 20000, deletions: 0 }),
        diffEntry("img/logo.png", { status: "added", additions: 0, deletions: 0 }),
      ])
      .get(`/repos/o/r/compare/${BASE}...${HEAD}`)
      .query({ per_page: 1, page: 1 })
      .reply(
        200,
        comparison([diffEntry("src/huge.ts", { status: "added", patch: "@@ -0,0 +1 @@\n+big();" })]),
      );

    const localCalls: LocalPatchRequest[] = [];
    const prepared = await prepareDiff({
      octokit: testOctokit(),
      repo,
      pull: { number: 5, baseSha: BASE, headSha: HEAD, changedFiles: 4 },
      paths,
      ...budget,
      localPatch: (request) => {
        localCalls.push(request);
        return Promise.resolve(undefined);
      },
    });

    expect(localCalls).toEqual([]);
    expect(prepared.truncated).toBe(false);
    expect(prepared.chunks).toHaveLength(1);
    const text = renderChunk(prepared.chunks[0]!);
    expect(text).toContain("### src/api.ts (modified)");
    expect(text).toContain("     2 + export const y = x();");
    expect(text).toContain("     1 + big();");
    expect(prepared.notReviewed.map((n) => [n.path, n.reason])).toEqual([
      ["img/logo.png", "no-diff"],
      ["package-lock.json", "lockfile"],
    ]);
    // Comments may go on any file of the diff, left out of the review or not.
    expect([...prepared.hunksByPath.keys()].sort()).toEqual([
      "package-lock.json",
      "src/api.ts",
      "src/huge.ts",
    ]);
  });

  it("reviews only what changed since the last reviewed commit, placing comments on the whole diff", async () => {
    githubApi()
      .get("/repos/o/r/pulls/5/files")
      .query({ per_page: 100, page: 1 })
      .reply(200, [
        diffEntry("src/a.ts", { patch: "@@ -1,1 +1,3 @@\n a\n+b\n+c" }),
        diffEntry("src/old.ts", { patch: "@@ -1 +1 @@\n-p\n+q" }),
      ])
      .get(`/repos/o/r/compare/${LAST}...${HEAD}`)
      .query({ per_page: 1, page: 1 })
      .reply(
        200,
        comparison([
          diffEntry("src/a.ts", { patch: "@@ -1,2 +1,3 @@\n a\n b\n+c" }),
          // Changed back to what the base has: no longer part of the pull request.
          diffEntry("src/reverted.ts", { patch: "@@ -1 +1 @@\n-r\n+s" }),
        ]),
      );

    const prepared = await prepareDiff({
      octokit: testOctokit(),
      repo,
      pull: { number: 5, baseSha: BASE, headSha: HEAD },
      sinceSha: LAST,
      paths,
      ...budget,
    });

    expect(prepared.chunks.flatMap((c) => c.files.map((f) => f.path))).toEqual(["src/a.ts"]);
    expect(prepared.chunks[0]!.files[0]!.hunks[0]!.hunk.lines.filter((l) => l.kind === "add")).toEqual([
      { kind: "add", text: "c", newLine: 3 },
    ]);
    expect(prepared.hunksByPath.get("src/a.ts")![0]!.newLines).toBe(3);
    expect(prepared.hunksByPath.has("src/reverted.ts")).toBe(false);
    expect(prepared.notReviewed).toEqual([]);
  });

  it("asks the clone for a patch neither GitHub list has, with the commits it compares", async () => {
    githubApi()
      .get("/repos/o/r/pulls/5/files")
      .query({ per_page: 100, page: 1 })
      .reply(200, [
        diffEntry("src/big.ts", { status: "renamed", previous_filename: "src/was.ts", additions: 9000 }),
      ])
      .get(`/repos/o/r/compare/${BASE}...${HEAD}`)
      .query({ per_page: 1, page: 1 })
      .reply(200, comparison([diffEntry("src/big.ts", { additions: 9000 })]));

    const localCalls: LocalPatchRequest[] = [];
    const prepared = await prepareDiff({
      octokit: testOctokit(),
      repo,
      pull: { number: 5, baseSha: BASE, headSha: HEAD },
      paths,
      ...budget,
      localPatch: (request) => {
        localCalls.push(request);
        return Promise.resolve("@@ -1 +1 @@\n-a\n+b");
      },
    });

    expect(localCalls).toEqual([{ path: "src/big.ts", previousPath: "src/was.ts", base: BASE, head: HEAD }]);
    expect(renderChunk(prepared.chunks[0]!)).toContain("### src/big.ts (renamed from src/was.ts)");
  });
});
