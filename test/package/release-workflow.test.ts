import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { githubDescription } from "../helpers/openapi-description.js";

const ROOT = join(import.meta.dirname, "../..");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
}

const workflow = parse(readFileSync(join(ROOT, ".github/workflows/release.yml"), "utf8")) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const script = steps.map((s) => s.run ?? "").join("\n");

describe("the release workflow", () => {
  it("runs only by hand, reads by default and writes only contents", () => {
    expect(Object.keys(workflow.on)).toEqual(["workflow_dispatch"]);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.jobs["release"]?.permissions).toEqual({ contents: "write" });
  });

  it("runs the checks CI runs, with the same system tools, before anything is tagged", () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    for (const [, name] of script.matchAll(/npm run (\S+)/g))
      expect(Object.keys(scripts.scripts)).toContain(name);
    for (const check of ["npm ci", "npm run lint", "npm run typecheck", "npm test", "npm run bundle"])
      expect(script).toContain(check);
    const tools = (text: string) =>
      /apt-get install([^\n>]*)/
        .exec(text)?.[1]
        ?.trim()
        .split(/\s+/)
        .filter((word) => !word.startsWith("-"));
    expect(tools(script)).toEqual(tools(readFileSync(join(ROOT, ".ci/run"), "utf8")));
    const order = ["npm test", "git diff --exit-code -- bundle/", "gh release create"].map((s) =>
      script.indexOf(s),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("keeps no token in the checkout or in a remote URL", () => {
    const checkout = steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.["persist-credentials"]).toBe(false);
    expect(script).not.toMatch(/https:\/\/[^\s"]*@github\.com|x-access-token/);
  });

  it("moves the major tag with requests GitHub's REST API accepts", () => {
    const sha = "a".repeat(40);
    const api = githubDescription();
    const patch = api.check({
      method: "PATCH",
      path: "/repos/o/r/git/refs/tags%2Fv1",
      query: new URLSearchParams(),
      contentType: "application/json",
      body: JSON.stringify({ sha, force: true }),
    });
    const create = api.check({
      method: "POST",
      path: "/repos/o/r/git/refs",
      query: new URLSearchParams(),
      contentType: "application/json",
      body: JSON.stringify({ ref: "refs/tags/v1", sha }),
    });
    expect([patch, create]).toEqual([
      { operation: "PATCH /repos/{owner}/{repo}/git/refs/{ref}", problems: [] },
      { operation: "POST /repos/{owner}/{repo}/git/refs", problems: [] },
    ]);
    expect(script).toContain(
      'gh api -X PATCH "repos/$GITHUB_REPOSITORY/git/refs/tags%2F$MAJOR" -f sha="$GITHUB_SHA" -F force=true',
    );
    expect(script).toContain(
      'gh api -X POST "repos/$GITHUB_REPOSITORY/git/refs" -f ref="refs/tags/$MAJOR" -f sha="$GITHUB_SHA"',
    );
  });
});

describe("the install instructions", () => {
  it("name the tarball of the version package.json says", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const docs = ["README.md", "docs/leak-guard.md", "docs/action.md"].map((f) =>
      readFileSync(join(ROOT, f), "utf8"),
    );
    const links = docs.flatMap((text) => [
      ...text.matchAll(/releases\/download\/v([^/\s]+)\/patchwright-([^\s]+?)\.tgz/g),
    ]);
    expect(links.length).toBeGreaterThan(0);
    for (const [, tag, file] of links) expect([tag, file]).toEqual([version, version]);
  });
});
