import { RequestError } from "@octokit/request-error";
import { describe, expect, it } from "vitest";
import { describeGitHubError, gitHubStatus, isStatus, refusalReason } from "../../src/github/errors.js";
import { getCollaboratorPermission } from "../../src/github/permissions.js";
import { githubApi, testOctokit } from "../helpers/github-api.js";

const repo = { owner: "o", repo: "r" };

function requestError(status: number, data?: unknown): RequestError {
  return new RequestError("Validation Failed", status, {
    request: { method: "POST", url: "https://api.github.com/repos/o/r/pulls/1/reviews", headers: {} },
    response: { status, url: "https://api.github.com/repos/o/r/pulls/1/reviews", headers: {}, data },
  });
}

describe("GitHub's errors", () => {
  it("are told by Octokit's RequestError, not by anything with a status", () => {
    expect(isStatus(requestError(404), 404)).toBe(true);
    expect(isStatus(requestError(403), 404)).toBe(false);
    expect(gitHubStatus(requestError(502))).toBe(502);
    const lookalike = Object.assign(new Error("Not Found"), { status: 404 });
    expect(isStatus(lookalike, 404)).toBe(false);
    expect(gitHubStatus(lookalike)).toBeUndefined();
    expect(gitHubStatus(undefined)).toBeUndefined();
  });

  it("map what Octokit throws for an HTTP error answer", async () => {
    githubApi()
      .get("/repos/o/r/collaborators/mallory/permission")
      .reply(404, { message: "Not Found" })
      .get("/repos/o/r/collaborators/alice/permission")
      .reply(403, { message: "Resource not accessible by integration" });
    expect(await getCollaboratorPermission(testOctokit(), repo, "mallory")).toBe("none");
    const refused = getCollaboratorPermission(testOctokit(), repo, "alice");
    await expect(refused).rejects.toBeInstanceOf(RequestError);
    await expect(refused).rejects.toMatchObject({ status: 403 });
  });

  it("give GitHub's reason for a 422 in its words, and none for anything else", () => {
    const data = {
      message: "Unprocessable Entity",
      errors: ["Line could not be resolved", { message: "x" }],
    };
    expect(refusalReason(requestError(422, data))).toBe(
      "Unprocessable Entity: Line could not be resolved; x",
    );
    expect(refusalReason(requestError(422))).toBe("Unprocessable Entity");
    expect(refusalReason(requestError(500, data))).toBeUndefined();
    expect(refusalReason(Object.assign(new Error("x"), { status: 422 }))).toBeUndefined();
  });

  it("are described with the status and the request only when they are GitHub's", () => {
    expect(describeGitHubError(requestError(404))).toBe(
      "GitHub answered 404 to POST /repos/o/r/pulls/1/reviews: Validation Failed. Check that the app or " +
        "token has access to this repository and the permissions patchwright needs.",
    );
    expect(describeGitHubError(new Error("socket hang up."))).toBe("socket hang up");
  });
});
