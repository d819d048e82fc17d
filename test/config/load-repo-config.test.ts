import type { Octokit } from "@octokit/core";
import type { ProbotOctokit } from "probot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { loadRepoConfig, type ContentsClient } from "../../src/config/load-repo-config.js";
import { RepoConfig } from "../../src/config/schema.js";
import { configFile } from "../helpers/github-answers.js";
import { githubApi, testOctokit } from "../helpers/github-api.js";

const where = { owner: "octo", repo: "demo", ref: "main" };
const ROUTE = "GET /repos/{owner}/{repo}/contents/{path}";

/** A fake Octokit answering the contents API from a map of paths (absent paths answer 404, like GitHub). */
function fakeOctokit(files: Record<string, unknown>) {
  const calls: { route: string; params: object }[] = [];
  const octokit: ContentsClient = {
    request(route, params) {
      calls.push({ route, params });
      const path = (params as { path: string }).path;
      if (!(path in files)) return Promise.reject(Object.assign(new Error("Not Found"), { status: 404 }));
      const data = files[path];
      if (data instanceof Error) return Promise.reject(data);
      return Promise.resolve({ data });
    },
  };
  return { octokit, calls };
}

function file(text: string, path = ".github/patchwright.yml") {
  // GitHub wraps base64 at 60 characters; the decoder must not mind.
  const content = Buffer.from(text)
    .toString("base64")
    .replace(/(.{60})/g, "$1\n");
  return { ...configFile(text, path), content };
}

describe("loadRepoConfig", () => {
  it("reads .github/patchwright.yml at the given ref (the default branch)", async () => {
    const { octokit, calls } = fakeOctokit({
      ".github/patchwright.yml": file("review:\n  auto: true\n# a long comment to make the base64 wrap\n"),
    });
    const loaded = await loadRepoConfig(octokit, where);
    expect(loaded).toMatchObject({ ok: true, source: "file", config: { review: { auto: true } } });
    expect(calls).toEqual([{ route: ROUTE, params: { ...where, path: ".github/patchwright.yml" } }]);
  });

  it("falls back to .github/patchwright.yaml", async () => {
    const { octokit, calls } = fakeOctokit({ ".github/patchwright.yaml": file("limits:\n  maxTurns: 5\n") });
    const loaded = await loadRepoConfig(octokit, where);
    expect(loaded).toMatchObject({ ok: true, source: "file", config: { limits: { maxTurns: 5 } } });
    expect(calls.map((c) => (c.params as { path: string }).path)).toEqual([
      ".github/patchwright.yml",
      ".github/patchwright.yaml",
    ]);
  });

  it("uses the defaults when neither file exists", async () => {
    const { octokit } = fakeOctokit({});
    expect(await loadRepoConfig(octokit, where)).toEqual({
      ok: true,
      config: RepoConfig.parse({}),
      source: "default",
    });
  });

  it("returns a config error that names the file it read", async () => {
    const { octokit } = fakeOctokit({ ".github/patchwright.yaml": file("review:\n  autp: true\n") });
    expect(await loadRepoConfig(octokit, where)).toEqual({
      ok: false,
      error: {
        file: ".github/patchwright.yaml",
        field: "review.autp",
        message: "is not a setting (did you mean `auto`?)",
      },
    });
  });

  it("refuses a folder, a submodule, a file too large to be sent, and bytes that are not UTF-8", async () => {
    const cases: [unknown, RegExp][] = [
      [[{ type: "file", name: "a.yml" }], /is a folder/],
      [{ type: "submodule", path: ".github/patchwright.yml" }, /is a submodule, not a file/],
      [{ type: "file", encoding: "none", content: "" }, /too large/],
      [
        { type: "file", encoding: "base64", content: Buffer.from([0xff, 0xfe, 0x00]).toString("base64") },
        /UTF-8/,
      ],
    ];
    for (const [data, message] of cases) {
      const loaded = await loadRepoConfig(fakeOctokit({ ".github/patchwright.yml": data }).octokit, where);
      expect(loaded.ok).toBe(false);
      expect(loaded.ok ? undefined : loaded.error.message).toMatch(message);
    }
  });

  it("throws other HTTP errors and answers it cannot understand, for the caller to report", async () => {
    const forbidden = Object.assign(new Error("Resource not accessible by integration"), { status: 403 });
    await expect(
      loadRepoConfig(fakeOctokit({ ".github/patchwright.yml": forbidden }).octokit, where),
    ).rejects.toBe(forbidden);
    await expect(
      loadRepoConfig(fakeOctokit({ ".github/patchwright.yml": "surprise" }).octokit, where),
    ).rejects.toThrow(/unexpected answer from GitHub for \.github\/patchwright\.yml/);
  });

  it("takes a real Octokit, whose requests match GitHub's API description", async () => {
    expectTypeOf<Octokit>().toExtend<ContentsClient>();
    expectTypeOf<ProbotOctokit>().toExtend<ContentsClient>();
    const text = "features:\n  buddy: true\n";
    githubApi()
      .get("/repos/octo/demo/contents/.github%2Fpatchwright.yml")
      .query({ ref: "main" })
      .reply(404, { message: "Not Found" })
      .get("/repos/octo/demo/contents/.github%2Fpatchwright.yaml")
      .query({ ref: "main" })
      .reply(200, file(text, ".github/patchwright.yaml"));
    const loaded = await loadRepoConfig(testOctokit(), where);
    expect(loaded).toMatchObject({ ok: true, source: "file", config: { features: { buddy: true } } });
  });
});
