import { describe, expect, it } from "vitest";
import { githubApi, githubViolations, resetGitHubViolations } from "../helpers/github-api.js";
import { githubExample } from "../helpers/github-examples.js";
import { currentNockChecks } from "../helpers/nock-checks.js";

const COMMENT = "GET /repos/{owner}/{repo}/issues/comments/{comment_id}";

/** Takes the recorded violations, so the setup's afterEach does not fail the test for them. */
function takeViolations() {
  const found = githubViolations();
  resetGitHubViolations();
  return found;
}

describe("the checks every test gets", () => {
  it("fail a test that leaves an interceptor unused, but not one of a persisted scope", () => {
    githubApi().get("/repos/o/r").reply(200, githubExample("GET /repos/{owner}/{repo}", 200));
    githubApi().persist().get("/repos/o/r/issues/comments/1").reply(200, githubExample(COMMENT, 200));
    const error = (() => {
      try {
        currentNockChecks().assertAllUsedAndCleanUp();
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toBe("nock interceptor not used: GET https://api.github.com:443/repos/o/r");
  });

  it("fail a test whose request no interceptor matched, even if the client swallowed the refusal", async () => {
    githubApi().get("/repos/o/r").reply(200, githubExample("GET /repos/{owner}/{repo}", 200));
    await fetch("https://api.github.com/repos/o/r");
    await fetch("https://api.github.com/repos/o/other").catch(() => undefined);
    expect(() => currentNockChecks().assertAllUsedAndCleanUp()).toThrow(
      /^request matched no nock interceptor: GET https:\/\/api\.github\.com:443\/repos\/o\/other$/,
    );
  });

  it("check a stubbed response against the operation's response schema, whatever client asked", async () => {
    githubApi().get("/repos/o/r/issues/comments/1").reply(200, { id: 1 });
    const response = await fetch("https://api.github.com/repos/o/r/issues/comments/1");
    expect(await response.json()).toEqual({ id: 1 });
    const [violation] = takeViolations();
    expect(violation?.operation).toBe(COMMENT);
    expect(violation?.problems[0]).toMatch(/^the 200 response body lacks required node_id, html_url/);
    expect(violation?.problems.at(-1)).toBe(
      `build it from GitHub's example: githubExample("${COMMENT}", 200, { ...overrides })`,
    );
  });

  it("check what reply functions answer, and a success GitHub never gives", async () => {
    githubApi()
      .get("/repos/o/r/issues/comments/2")
      .reply(() => [200, githubExample(COMMENT, 200, { id: 2 })])
      .post("/repos/o/r/issues/1/comments")
      .reply(200, (_uri, body: { body: string }) => githubExample(COMMENT, 200, { body: body.body }));
    await fetch("https://api.github.com/repos/o/r/issues/comments/2");
    await fetch("https://api.github.com/repos/o/r/issues/1/comments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ body: "hi" }),
    });
    expect(takeViolations().map((v) => v.problems)).toEqual([
      [
        "GitHub answers POST /repos/{owner}/{repo}/issues/{issue_number}/comments with 201, 403, 404, 410, 422, never 200",
      ],
    ]);
  });

  it("leave a body asked for in a raw or diff format unchecked, as GitHub sends no JSON then", async () => {
    githubApi().get("/repos/o/r/contents/README.md").reply(200, "# Hello\n");
    const raw = await fetch("https://api.github.com/repos/o/r/contents/README.md", {
      headers: { accept: "application/vnd.github.raw+json" },
    });
    expect(await raw.text()).toBe("# Hello\n");
    expect(githubViolations()).toEqual([]);
  });

  it("refuse a request GitHub would not accept, from any client", async () => {
    githubApi().post("/repos/o/r/issues/1/comments").reply(201, githubExample(COMMENT, 200));
    const sent = await fetch("https://api.github.com/repos/o/r/issues/1/comments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ bodyy: "hi" }),
    }).catch((e: unknown) => e);
    expect(sent).toBeInstanceOf(Error);
    expect(takeViolations().flatMap((v) => v.problems)).toEqual([
      "request body must have required property 'body'",
      'request body has an unknown property "bodyy"',
    ]);
  });
});

describe("githubExample", () => {
  it("copies GitHub's example with overrides merged in, nested objects key by key", () => {
    const comment = githubExample(COMMENT, 200, { id: 7, user: { login: "octo" } });
    const example = githubExample(COMMENT, 200);
    expect(comment).toEqual({ ...example, id: 7, user: { ...(example["user"] as object), login: "octo" } });
  });

  it("builds a list from its first item, one per override", () => {
    const files = githubExample("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", 200, [
      { filename: "a.ts" },
      { filename: "b.ts" },
    ]);
    expect(files.map((f) => (f as { filename: string }).filename)).toEqual(["a.ts", "b.ts"]);
  });

  it("fills a required property GitHub's own example leaves out", () => {
    expect(githubExample("GET /repos/{owner}/{repo}", 200)).toHaveProperty("language", null);
  });
});
