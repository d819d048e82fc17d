import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GitHubDescription } from "../helpers/openapi-description.js";
import { tempDir } from "../helpers/temp-repo.js";

const COMMENT = "GET /repos/{owner}/{repo}/issues/comments/{comment_id}";

/** A bad stub, a request to no route, a bad body, bad query parameters, and a stub built from an example. */
function checksBy(description: GitHubDescription) {
  const json = "application/json";
  return {
    badStub: description.checkResponse({
      method: "GET",
      path: "/repos/o/r/issues/comments/1",
      status: 200,
      contentType: json,
      body: JSON.stringify({ id: "1" }),
    }),
    noRoute: description.check({
      method: "GET",
      path: "/repos/o/r/isues",
      query: new URLSearchParams(),
      contentType: undefined,
      body: undefined,
    }),
    badBody: description.check({
      method: "POST",
      path: "/repos/o/r/issues/1/comments",
      query: new URLSearchParams(),
      contentType: json,
      body: JSON.stringify({ bodyy: "hi" }),
    }),
    badQuery: description.check({
      method: "GET",
      path: "/repos/o/r/issues",
      query: new URLSearchParams({ state: "opened", per_page: "many" }),
      contentType: undefined,
      body: undefined,
    }),
    example: description.example(COMMENT, 200),
  };
}

describe("the checks' cache", () => {
  it("checks as strictly when it is filled as when another process filled it", () => {
    const dir = tempDir("pw-checks-cache-");
    const filling = new GitHubDescription(dir);
    const fromFilling = checksBy(filling);
    const validators = readdirSync(join(dir, "validators"));
    const written = validators.map((file) => statSync(join(dir, "validators", file)).mtimeMs);

    const reading = new GitHubDescription(dir);
    const fromReading = checksBy(reading);

    // The second description built nothing: it read the index and every validator the first wrote.
    expect(filling.stats.buildMs).toBeGreaterThan(0);
    expect(reading.stats.buildMs).toBeUndefined();
    expect(readdirSync(join(dir, "validators"))).toEqual(validators);
    expect(validators.map((file) => statSync(join(dir, "validators", file)).mtimeMs)).toEqual(written);

    expect(fromReading).toEqual(fromFilling);
    const messages = (check: { problems: { message: string }[] }) => check.problems.map((p) => p.message);
    expect(messages(fromReading.badStub)).toEqual([
      "the 200 response body at /id must be integer",
      expect.stringMatching(/^the 200 response body lacks required node_id, html_url, /),
      `build it from GitHub's example: githubExample("${COMMENT}", 200, { ...overrides })`,
    ]);
    expect(messages(fromReading.noRoute)).toEqual(["no operation's path template matches /repos/o/r/isues"]);
    expect(messages(fromReading.badBody)).toEqual([
      "request body must have required property 'body'",
      'request body has an unknown property "bodyy"',
    ]);
    expect(messages(fromReading.badQuery)).toEqual([
      'query parameter state must be one of "open", "closed", "all"',
      "query parameter per_page must be integer",
    ]);
    expect(fromReading.example).toMatchObject({ id: 1, node_id: expect.any(String) as unknown });
  });
});
