import { describe, expect, it } from "vitest";
import { patchwrightHistory, searchAuthor } from "../../src/github/patchwright-history.js";
import {
  checkedGitHubRequests,
  githubApi,
  testOctokit,
  githubViolations,
  resetGitHubViolations,
} from "../helpers/github-api.js";
import { pullSearches } from "../helpers/search-issues.js";

const REPO = { owner: "octo", repo: "garden" };

describe("patchwrightHistory", () => {
  it("searches an App's bot as app/<slug> and a user by login", () => {
    expect(searchAuthor("patchwright[bot]")).toBe("app/patchwright");
    expect(searchAuthor("github-actions[bot]")).toBe("app/github-actions");
    expect(searchAuthor("octocat")).toBe("octocat");
  });

  it("counts opened, merged and closed unmerged pull requests, with the recent ones", async () => {
    pullSearches("octo/garden", "app/patchwright", {
      opened: 12,
      merged: 9,
      closedUnmerged: 2,
      recent: [
        { number: 14, updatedAt: "2026-11-30T10:00:00Z", outcome: "merged" },
        { number: 13, updatedAt: "2026-11-20T10:00:00Z", outcome: "closed" },
        { number: 12, updatedAt: "2026-11-10T10:00:00Z", outcome: "open" },
      ],
    });
    const history = await patchwrightHistory(testOctokit(), REPO, "patchwright[bot]");
    expect(history).toEqual({
      opened: 12,
      merged: 9,
      closedUnmerged: 2,
      recent: [
        { number: 14, updatedAt: "2026-11-30T10:00:00Z", outcome: "merged" },
        { number: 13, updatedAt: "2026-11-20T10:00:00Z", outcome: "closed" },
        { number: 12, updatedAt: "2026-11-10T10:00:00Z", outcome: "open" },
      ],
    });
    // Every request was checked against GitHub's OpenAPI description and passed.
    expect(checkedGitHubRequests().map((r) => [r.operation, r.ok])).toEqual(
      Array(3).fill(["GET /search/issues", true]),
    );
  });

  it("rejects an answer that is not a search result", async () => {
    githubApi().get("/search/issues").query(true).times(3).reply(200, { message: "not a search" });
    await expect(patchwrightHistory(testOctokit(), REPO, "octocat")).rejects.toThrow();
    // The stubs are deliberately not what GitHub sends: the response check saw them too.
    expect(new Set(githubViolations().map((v) => v.operation))).toEqual(new Set(["GET /search/issues"]));
    resetGitHubViolations();
  });
});
