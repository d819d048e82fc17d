import { createRequire } from "node:module";
import nock from "nock";
import type { Probot } from "probot";
import { beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import {
  GitHubApiViolationError,
  TEST_INSTALLATION_TOKEN,
  assertNoGitHubViolations,
  checkedGitHubRequests,
  githubApi,
  githubApiPath,
  githubDescriptionLoadStats,
  githubFetch,
  githubViolations,
  graphqlReply,
  mockInstallationToken,
  resetGitHubViolations,
  testOctokit,
  testProbot,
} from "../helpers/github-api.js";
import { githubExample } from "../helpers/github-examples.js";
import { githubDescription } from "../helpers/openapi-description.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const COMMENTS = "/repos/octo/demo/issues/7/comments";
// Typed `string`, so Octokit's types let the tests send what GitHub's description refuses.
const CREATE_COMMENT: string = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const untyped = (route: string): string => route;
const where = { owner: "octo", repo: "demo", issue_number: 7 };

/** Runs a request that must be refused, and returns the one violation it recorded (and clears it). */
async function refused(request: Promise<unknown>): Promise<{ message: string; problems: string[] }> {
  const error = await request.then(
    () => expect.unreachable("the request was sent"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  const recorded = githubViolations();
  expect(recorded).toHaveLength(1);
  resetGitHubViolations();
  return { message: (error as Error).message, problems: recorded[0]!.problems };
}

/** With throttling on, the throttling plugin queues every request through Bottleneck (writes 1 s apart). */
function spyOnBottleneck() {
  const Bottleneck = createRequire(import.meta.url)("bottleneck/light.js") as {
    prototype: { schedule: (...args: unknown[]) => unknown };
  };
  const schedule = vi.spyOn(Bottleneck.prototype, "schedule");
  onTestFinished(() => schedule.mockRestore());
  return schedule;
}

beforeAll(() => {
  const s = githubDescriptionLoadStats();
  console.log(
    `GitHub OpenAPI description ${s.version} (OpenAPI ${s.openapi}, ${s.operations} operations, ` +
      `index of ${(s.bytes / 2 ** 20).toFixed(1)} MiB${s.buildMs === undefined ? "" : ` built in ${s.buildMs.toFixed(0)} ms`}): ` +
      `read ${s.readMs.toFixed(0)} ms, parse ${s.parseMs.toFixed(0)} ms, ` +
      `index ${s.indexMs.toFixed(0)} ms, heap +${s.heapDeltaMB.toFixed(0)} MiB before GC`,
  );
});

describe("request bodies", () => {
  it("lets a valid issue comment through to nock", async () => {
    const scope = githubApi()
      .post(COMMENTS, { body: "hello" })
      .reply(201, githubExample(CREATE_COMMENT, 201, { id: 1, body: "hello" }));
    const { data } = await testOctokit().rest.issues.createComment({ ...where, body: "hello" });
    expect(data.id).toBe(1);
    expect(scope.isDone()).toBe(true);
    expect(checkedGitHubRequests()).toEqual([
      { method: "POST", url: `https://api.github.com${COMMENTS}`, operation: CREATE_COMMENT, ok: true },
    ]);
  });

  it("sends the test installation token, without throttling", async () => {
    const schedule = spyOnBottleneck();
    githubApi()
      .matchHeader("authorization", `token ${TEST_INSTALLATION_TOKEN}`)
      .get("/repos/octo/demo")
      .reply(200, githubExample("GET /repos/{owner}/{repo}", 200, { id: 1 }));
    await testOctokit().rest.repos.get({ owner: "octo", repo: "demo" });
    expect(schedule).not.toHaveBeenCalled();
  });

  it("refuses a misspelt property, before the request reaches nock", async () => {
    const scope = githubApi().post(COMMENTS).reply(201, {});
    const { message, problems } = await refused(
      testOctokit().request(CREATE_COMMENT, { ...where, bodyy: "hello" }),
    );
    expect(problems).toEqual([
      "request body must have required property 'body'",
      'request body has an unknown property "bodyy"',
    ]);
    expect(message).toContain("must have required property 'body'");
    expect(scope.isDone()).toBe(false);
    nock.cleanAll(); // the stub was there to be left unused
  });

  it("refuses an unknown property next to the right ones", async () => {
    const { problems } = await refused(
      testOctokit().request(CREATE_COMMENT, { ...where, body: "hello", draft: true }),
    );
    expect(problems).toEqual(['request body has an unknown property "draft"']);
  });

  it("refuses a value of the wrong type, with the ajv errors", async () => {
    const error = await testOctokit()
      .request(CREATE_COMMENT, { ...where, body: 42 })
      .catch((e: unknown) => e);
    expect(String(error)).toContain("request body at /body must be string");
    const [violation] = githubViolations();
    expect(violation).toMatchObject({
      method: "POST",
      url: `https://api.github.com${COMMENTS}`,
      operation: CREATE_COMMENT,
      problems: ["request body at /body must be string"],
      errors: [expect.objectContaining({ keyword: "type", instancePath: "/body" })],
    });
    resetGitHubViolations();
  });

  it("accepts null where the description says nullable, and refuses a bad enum value", async () => {
    githubApi()
      .patch("/repos/octo/demo/issues/7")
      .reply(200, githubExample("PATCH /repos/{owner}/{repo}/issues/{issue_number}", 200));
    await testOctokit().rest.issues.update({ ...where, milestone: null, assignee: null, state: "closed" });
    const { problems } = await refused(
      testOctokit().request(untyped("PATCH /repos/{owner}/{repo}/issues/{issue_number}"), {
        ...where,
        state: "shut",
      }),
    );
    expect(problems).toEqual(['request body at /state must be one of "open", "closed"']);
  });

  it("refuses a body on an operation that takes none", async () => {
    const { problems } = await refused(
      testOctokit().request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", {
        owner: "octo",
        repo: "demo",
        comment_id: 1,
        reason: "spam",
      }),
    );
    expect(problems).toEqual([
      'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id} takes no request body, got {"reason":"spam"}',
    ]);
  });

  it("checks a body passed as a Request object", async () => {
    const url = `https://api.github.com${COMMENTS}`;
    const request = new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ body: 1 }),
    });
    const { problems } = await refused(githubFetch(request));
    expect(problems).toEqual(["request body at /body must be string"]);
  });
});

describe("paths and methods", () => {
  it("refuses a path no operation has", async () => {
    const { problems } = await refused(testOctokit().request("GET /repos/{owner}/{repo}/isues", where));
    expect(problems).toEqual(["no operation's path template matches /repos/octo/demo/isues"]);
  });

  it("refuses a method the path does not have", async () => {
    const { problems } = await refused(testOctokit().request(`PATCH ${COMMENTS}`, { body: "x" }));
    expect(problems).toEqual([
      "PATCH is not defined for /repos/{owner}/{repo}/issues/{issue_number}/comments (only GET, POST)",
    ]);
  });

  it("prefers literal segments over parameters", async () => {
    githubApi()
      .get("/repos/octo/demo/issues/comments/5")
      .reply(200, githubExample("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", 200));
    githubApi()
      .get("/repos/octo/demo/issues/5")
      .reply(200, githubExample("GET /repos/{owner}/{repo}/issues/{issue_number}", 200));
    await testOctokit().request("GET /repos/octo/demo/issues/comments/5");
    await testOctokit().request("GET /repos/octo/demo/issues/5");
    expect(checkedGitHubRequests().map((r) => r.operation)).toEqual([
      "GET /repos/{owner}/{repo}/issues/comments/{comment_id}",
      "GET /repos/{owner}/{repo}/issues/{issue_number}",
    ]);
  });

  it("matches parameters inside a segment, and encoded slashes in one", async () => {
    githubApi()
      .get("/repos/octo/demo/compare/main...topic")
      .reply(200, githubExample("GET /repos/{owner}/{repo}/compare/{basehead}", 200));
    githubApi()
      .get("/repos/octo/demo/contents/src%2Fmain.ts")
      .reply(200, githubExample("GET /repos/{owner}/{repo}/contents/{path}", 200));
    await testOctokit().rest.repos.compareCommitsWithBasehead({
      owner: "octo",
      repo: "demo",
      basehead: "main...topic",
    });
    await testOctokit().rest.repos.getContent({ owner: "octo", repo: "demo", path: "src/main.ts" });
    expect(checkedGitHubRequests().map((r) => r.operation)).toEqual([
      "GET /repos/{owner}/{repo}/compare/{base}...{head}",
      "GET /repos/{owner}/{repo}/contents/{path}",
    ]);
  });

  it("checks the types of path parameters", async () => {
    const { problems } = await refused(
      testOctokit().request(CREATE_COMMENT, { ...where, issue_number: "seven", body: "x" }),
    );
    expect(problems).toEqual(["path parameter issue_number must be integer"]);
  });

  it("checks GitHub Enterprise Server bases ending in /api/v3", async () => {
    const ghes = testOctokit({ baseUrl: "https://ghe.example.com/api/v3" });
    nock("https://ghe.example.com")
      .post(`/api/v3${COMMENTS}`)
      .reply(201, githubExample(CREATE_COMMENT, 201, { id: 2 }));
    await ghes.rest.issues.createComment({ ...where, body: "hello" });
    expect(checkedGitHubRequests()[0]?.operation).toBe(CREATE_COMMENT);
    const { problems } = await refused(ghes.request(CREATE_COMMENT, { ...where, bodyy: "hello" }));
    expect(problems).toContain("request body must have required property 'body'");
  });

  it("knows which URLs are GitHub's REST API", () => {
    const path = (url: string) => githubApiPath(new URL(url));
    expect(path("https://api.github.com/repos/o/r")).toBe("/repos/o/r");
    expect(path("https://api.github.com")).toBe("/");
    expect(path("https://ghe.example.com/api/v3/repos/o/r")).toBe("/repos/o/r");
    expect(path("https://ghe.example.com/github/api/v3")).toBe("/");
    expect(path("https://ghe.example.com/api/v30/repos")).toBeUndefined();
    expect(path("https://ghe.example.com/api/graphql")).toBeUndefined();
    expect(path("https://uploads.github.com/repos/o/r/releases/1/assets")).toBeUndefined();
  });

  it("passes other hosts through unchecked", async () => {
    nock("https://example.com").patch("/repos/anything").reply(200, "ok");
    const response = await githubFetch("https://example.com/repos/anything", { method: "PATCH" });
    expect(await response.text()).toBe("ok");
    expect(checkedGitHubRequests()).toEqual([]);
  });
});

describe("query parameters", () => {
  it("lets known, well-typed parameters through", async () => {
    githubApi()
      .get("/repos/octo/demo/issues")
      .query({ state: "open", per_page: "100", labels: "bug,ui" })
      .reply(200, []);
    await testOctokit().rest.issues.listForRepo({
      owner: "octo",
      repo: "demo",
      state: "open",
      per_page: 100,
      labels: "bug,ui",
    });
    expect(checkedGitHubRequests().map((r) => r.ok)).toEqual([true]);
  });

  it("refuses an unknown parameter and a badly typed one", async () => {
    const { problems } = await refused(
      testOctokit().request(untyped("GET /repos/{owner}/{repo}/issues"), {
        owner: "octo",
        repo: "demo",
        stat: "open",
        per_page: "many",
      }),
    );
    expect(problems).toEqual(['unknown query parameter "stat"', "query parameter per_page must be integer"]);
  });

  it("refuses a missing required parameter", async () => {
    githubApi()
      .get("/search/issues")
      .query({ q: "is:open" })
      .reply(
        200,
        githubExample("GET /search/issues", 200, { total_count: 0, incomplete_results: false, items: [] }),
      );
    await testOctokit().request("GET /search/issues", { q: "is:open" });
    const { problems } = await refused(
      testOctokit().request(untyped("GET /search/issues"), { sort: "created" }),
    );
    expect(problems).toEqual(['required query parameter "q" is missing']);
  });
});

describe("the afterEach check", () => {
  it("throws listing what was recorded, and resets", async () => {
    await testOctokit()
      .request(CREATE_COMMENT, { ...where, bodyy: "x" })
      .catch(() => undefined);
    expect(() => assertNoGitHubViolations()).toThrow(/1 GitHub API request\(s\) did not match.*bodyy/s);
    expect(githubViolations()).toEqual([]);
    expect(() => assertNoGitHubViolations()).not.toThrow();
  });

  describe("fails a test that swallowed the error", () => {
    let failure: string | undefined;

    // Marked `fails`: the afterEach hook the helper registered must turn this test into a failure.
    it.fails("swallows a refused request", async ({ onTestFailed }) => {
      onTestFailed(({ task }) => {
        failure = task.result?.errors?.map((e) => e.message).join("\n");
      });
      const sent = await testOctokit()
        .request(CREATE_COMMENT, { ...where, bodyy: "x" })
        .then(
          () => true,
          () => false,
        );
      expect(sent).toBe(false);
    });

    it("failed it for the violation, and reset", () => {
      expect(failure).toMatch(/did not match GitHub's OpenAPI description/);
      expect(failure).toContain('unknown property "bodyy"');
      expect(githubViolations()).toEqual([]);
    });
  });
});

describe("Probot apps", () => {
  const issuesOpened = () => {
    const payload = webhookExample("issues", (p) => p.action === "opened");
    payload.installation = { id: 42 };
    return payload;
  };

  const commentOnOpen = (body: Record<string, unknown>) => (app: Probot) => {
    app.on("issues.opened", async (context) => {
      await context.octokit.request(
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
        context.issue(body) as never,
      );
    });
  };

  it("authenticates as the installation, through the checked fetch, without throttling", async () => {
    const schedule = spyOnBottleneck();
    const probot = await testProbot(commentOnOpen({ body: "Thanks!" }));
    mockInstallationToken(githubApi(), 42);
    githubApi()
      .matchHeader("authorization", `token ${TEST_INSTALLATION_TOKEN}`)
      .post("/repos/Codertocat/Hello-World/issues/1/comments", { body: "Thanks!" })
      .reply(201, githubExample(CREATE_COMMENT, 201, { id: 1 }));
    await probot.receive({ id: "1", name: "issues", payload: issuesOpened() } as never);
    expect(checkedGitHubRequests()).toEqual([
      expect.objectContaining({
        operation: "POST /app/installations/{installation_id}/access_tokens",
        ok: true,
      }),
      expect.objectContaining({ operation: CREATE_COMMENT, ok: true }),
    ]);
    expect(schedule).not.toHaveBeenCalled();
  });

  it("fails the event when the app sends a bad request", async () => {
    const probot = await testProbot(commentOnOpen({ text: "Thanks!" }));
    mockInstallationToken();
    const error = await probot
      .receive({ id: "2", name: "issues", payload: issuesOpened() } as never)
      .catch((e: unknown) => e);
    expect(String(error)).toContain("must have required property 'body'");
    expect(githubViolations()[0]?.problems).toContain('request body has an unknown property "text"');
    resetGitHubViolations();
  });
});

describe("the description", () => {
  it("compiles every JSON request body and parameter schema", () => {
    expect(githubDescription().compileAllBodies()).toBeGreaterThan(300);
  });

  it("refuses through the error type it exports", async () => {
    const error = await githubFetch(`https://api.github.com${COMMENTS}`, { method: "PUT" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GitHubApiViolationError);
    resetGitHubViolations();
  });
});

describe("GraphQL", () => {
  const query = "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id } }";

  it("lets a query GitHub's schema accepts through to nock", async () => {
    const scope = githubApi()
      .post("/graphql")
      .reply(200, { data: { repository: { id: "R_1" } } });
    await testOctokit().request("POST /graphql", { query, variables: { owner: "o", name: "r" } });
    expect(scope.isDone()).toBe(true);
  });

  it("refuses a field the schema does not have, and variables of the wrong type", async () => {
    const scope = githubApi().post("/graphql").reply(200, {});
    const misspelt = await refused(
      testOctokit().request("POST /graphql", { query: "query { viewer { loginn } }" }),
    );
    expect(misspelt.problems).toEqual([
      'GraphQL: Cannot query field "loginn" on type "User". Did you mean "login"?',
    ]);
    const wrongType = await refused(
      testOctokit().request("POST /graphql", { query, variables: { owner: "o", name: 7 } }),
    );
    expect(wrongType.problems[0]).toMatch(/^GraphQL variables: Variable "\$name" got invalid value 7/);
    expect(scope.isDone()).toBe(false);
    nock.cleanAll(); // the stub was there to be left unused
  });

  it("checks GitHub Enterprise Server's GraphQL at /api/graphql, and refuses it under /api/v3", async () => {
    const base = "https://ghe.example.com/api/v3";
    const ghes = testOctokit({ baseUrl: base });
    // A scope for a base: REST paths are written below it, other paths as they are.
    const scope = githubApi(base)
      .post("/api/graphql")
      .reply(200, { data: { repository: { id: "R_1" } } })
      .get("/repos/o/r")
      .reply(200, githubExample("GET /repos/{owner}/{repo}", 200));
    expect(await ghes.graphql(query, { owner: "o", name: "r" })).toEqual({ repository: { id: "R_1" } });
    await ghes.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
    expect(scope.isDone()).toBe(true);
    const misspelt = await refused(ghes.graphql("query { viewer { loginn } }"));
    expect(misspelt.problems[0]).toMatch(/^GraphQL: Cannot query field "loginn"/);
    // GHES has no GraphQL under its REST base: what `request("POST /graphql")` would reach there.
    const underRest = await refused(ghes.request("POST /graphql", { query }));
    expect(underRest.problems).toEqual(["no operation's path template matches /graphql"]);
  });

  it("answers a query from data run through GitHub's schema, and refuses data the schema would not return", async () => {
    githubApi()
      .post("/graphql")
      .reply(graphqlReply({ repository: { id: "R_1", name: "not asked for" } }));
    expect(await testOctokit().graphql(query, { owner: "o", name: "r" })).toEqual({
      repository: { id: "R_1" },
    });
    githubApi()
      .post("/graphql")
      .reply(graphqlReply({ repository: { name: "no id" } }));
    const { problems } = await refused(testOctokit().graphql(query, { owner: "o", name: "r" }));
    expect(problems).toEqual([
      "the test's GraphQL data does not fit GitHub's schema: Cannot return null for non-nullable field Repository.id.",
    ]);
  });
});
