import type { Octokit } from "@octokit/core";
import type { ProbotOctokit } from "probot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { loadRepoConfig } from "../../src/config/load-repo-config.js";
import type { OctokitLike } from "../../src/github/octokit-like.js";
import { getRepoFile } from "../../src/github/repo-file.js";
import { configFile } from "../helpers/github-answers.js";
import { githubApi, githubViolations, resetGitHubViolations, testOctokit } from "../helpers/github-api.js";

const where = { owner: "octo", repo: "demo", ref: "main" };
const PATH = "/repos/octo/demo/contents/.github%2Fpatchwright.yml";

function content(text: string, path = ".github/patchwright.yml") {
  // GitHub wraps base64 at 60 characters; the decoder must not mind.
  const wrapped = Buffer.from(text)
    .toString("base64")
    .replace(/(.{60})/g, "$1\n");
  return { ...configFile(text, path), content: wrapped };
}

const read = (path = ".github/patchwright.yml") => getRepoFile(testOctokit(), { ...where, path });

describe("getRepoFile", () => {
  it("reads a file's bytes at the ref, base64 wrapped as GitHub sends it", async () => {
    const text = "review:\n  auto: true\n# a long comment to make the base64 wrap\n";
    githubApi().get(PATH).query({ ref: "main" }).reply(200, content(text));
    const found = await read();
    expect(found?.kind === "file" && Buffer.from(found.bytes).toString()).toBe(text);
  });

  it("answers nothing for a 404, and what stands there for a folder, a submodule or a file too large", async () => {
    githubApi()
      .get(PATH)
      .query({ ref: "main" })
      .reply(404, { message: "Not Found" })
      .get(PATH)
      .query({ ref: "main" })
      .reply(200, [configFile("a: 1\n", ".github/patchwright.yml/a.yml")])
      .get(PATH)
      .query({ ref: "main" })
      .reply(200, {
        ...configFile(""),
        type: "submodule",
        submodule_git_url: "https://github.com/octo/sub.git",
      })
      .get(PATH)
      .query({ ref: "main" })
      .reply(200, { ...configFile(""), encoding: "none", content: "" });
    expect(await read()).toBeUndefined();
    expect(await read()).toEqual({ kind: "folder" });
    expect(await read()).toEqual({ kind: "other", type: "submodule" });
    expect(await read()).toEqual({ kind: "too large" });
  });

  it("throws other HTTP errors and answers it cannot understand, for the caller to report", async () => {
    githubApi()
      .get(PATH)
      .query({ ref: "main" })
      .reply(403, { message: "Resource not accessible by integration" })
      .get(PATH)
      .query({ ref: "main" })
      .reply(200, JSON.stringify("surprise"), { "content-type": "application/json" });
    await expect(read()).rejects.toMatchObject({ status: 403 });
    await expect(read()).rejects.toThrow(/unexpected answer from GitHub for \.github\/patchwright\.yml/);
    // The second stub is deliberately not what GitHub sends: the response check saw it too.
    expect(githubViolations().map((v) => v.operation)).toEqual(["GET /repos/{owner}/{repo}/contents/{path}"]);
    resetGitHubViolations();
  });

  it("takes a real Octokit, and with it loadRepoConfig reads the config GitHub serves", async () => {
    expectTypeOf<Octokit>().toExtend<OctokitLike>();
    expectTypeOf<ProbotOctokit>().toExtend<OctokitLike>();
    const text = "features:\n  buddy: true\n";
    githubApi()
      .get(PATH)
      .query({ ref: "main" })
      .reply(404, { message: "Not Found" })
      .get("/repos/octo/demo/contents/.github%2Fpatchwright.yaml")
      .query({ ref: "main" })
      .reply(200, content(text, ".github/patchwright.yaml"));
    const octokit = testOctokit();
    const loaded = await loadRepoConfig((path) => getRepoFile(octokit, { ...where, path }));
    expect(loaded).toMatchObject({ ok: true, source: "file", config: { features: { buddy: true } } });
  });
});
