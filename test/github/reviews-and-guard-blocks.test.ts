import { describe, expect, it } from "vitest";
import { reviewsAndGuardBlocks } from "../../src/github/reviews-and-guard-blocks.js";
import { checkedGitHubRequests, githubApi, testOctokit } from "../helpers/github-api.js";
import { reviewsSearch } from "../helpers/search-issues.js";

const REPO = { owner: "octo", repo: "garden" };
const BOT = { __typename: "Bot", login: "patchwright" } as const;

describe("reviewsAndGuardBlocks", () => {
  it("counts the inline comments of the bot's reviews only, and the guard blocks, in one request", async () => {
    reviewsSearch("octo/garden", "app/patchwright", {
      reviewed: 3,
      pulls: [
        {
          reviews: [
            { author: BOT, comments: 4 },
            { author: { __typename: "User", login: "octocat" }, comments: 9 },
            { author: BOT, comments: 0 },
          ],
        },
        // A person who took the bot's name is not the bot; a deleted account is nobody.
        {
          reviews: [
            { author: { __typename: "User", login: "patchwright" }, comments: 5 },
            { author: null, comments: 2 },
            { author: BOT, comments: 3 },
          ],
        },
        { reviews: [] },
      ],
      blocked: 2,
      withheld: 1,
    });
    expect(await reviewsAndGuardBlocks(testOctokit(), REPO, "patchwright[bot]")).toEqual({
      reviewedPulls: 3,
      reviewComments: 7,
      reviewCommentsComplete: true,
      guardBlocks: 3,
    });
    // Checked against GitHub's GraphQL schema, and answered through it.
    expect(checkedGitHubRequests().map((r) => [r.operation, r.ok])).toEqual([["POST /graphql", true]]);
  });

  it("says the count is a floor when there were more reviewed pull requests or reviews than it read", async () => {
    const one = { reviews: [{ author: BOT, comments: 2 }] };
    reviewsSearch("octo/garden", "app/patchwright", { reviewed: 51, pulls: Array(50).fill(one) });
    const many = await reviewsAndGuardBlocks(testOctokit(), REPO, "patchwright[bot]");
    expect([many.reviewComments, many.reviewCommentsComplete]).toEqual([100, false]);

    reviewsSearch("octo/garden", "app/patchwright", {
      reviewed: 1,
      pulls: [{ reviews: [{ author: BOT, comments: 2 }], totalReviews: 51 }],
    });
    const long = await reviewsAndGuardBlocks(testOctokit(), REPO, "patchwright[bot]");
    expect([long.reviewComments, long.reviewCommentsComplete]).toEqual([2, false]);
  });

  it("rejects GitHub's GraphQL errors, such as a rate limit", async () => {
    githubApi()
      .post("/graphql")
      .reply(200, {
        errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for installation ID 42." }],
      });
    await expect(reviewsAndGuardBlocks(testOctokit(), REPO, "patchwright[bot]")).rejects.toThrow(
      /rate limit/,
    );
  });
});
