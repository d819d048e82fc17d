import { describe, expect, it } from "vitest";
import { z } from "zod";
import { listPages, TooManyPagesError } from "../../src/github/paginate.js";
import { issueComment } from "../helpers/github-answers.js";
import {
  githubApi,
  githubViolations,
  nextPage,
  resetGitHubViolations,
  testOctokit,
} from "../helpers/github-api.js";

const repo = { owner: "o", repo: "r" };
const ROUTE = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";
const PATH = "/repos/o/r/issues/1/comments";
const Item = z.looseObject({ id: z.number() });

/** `pages` pages of 100 comments, each linking to the next but the last. */
function stubPages(pages: number, last = pages) {
  const scope = githubApi();
  for (let p = 1; p <= pages; p++) {
    const items = Array.from({ length: 100 }, (_, i) => issueComment((p - 1) * 100 + i + 1));
    scope
      .get(PATH)
      .query({ per_page: 100, page: p })
      .reply(200, items, p < last ? nextPage(PATH, p + 1) : {});
  }
}

async function readAll(maxPages?: number): Promise<number[]> {
  const ids: number[] = [];
  const pages = listPages(testOctokit(), ROUTE, { ...repo, issue_number: 1 }, Item, maxPages);
  for await (const page of pages) ids.push(...page.map((c) => c.id));
  return ids;
}

describe("listPages", () => {
  it("follows GitHub's next links past 30 pages, where it used to stop without a word", async () => {
    stubPages(35);
    const ids = await readAll();
    expect(ids).toHaveLength(3500);
    expect(ids.at(-1)).toBe(3500);
  });

  it("stops where GitHub sends no next link, a full page or not", async () => {
    stubPages(1);
    expect(await readAll()).toHaveLength(100);
  });

  it("refuses a list longer than its cap, rather than acting on part of it", async () => {
    stubPages(3, 4);
    await expect(readAll(3)).rejects.toThrow(TooManyPagesError);
    // The page past the cap is never asked for.
    stubPages(3);
    expect(await readAll(3)).toHaveLength(300);
  });

  it("checks every page with the item schema", async () => {
    githubApi()
      .get(PATH)
      .query({ per_page: 100, page: 1 })
      .reply(200, [issueComment(1)], nextPage(PATH, 2))
      .get(PATH)
      .query({ per_page: 100, page: 2 })
      .reply(200, [issueComment(2, { id: "two" })]);
    await expect(readAll()).rejects.toThrow();
    // The second page is deliberately not what GitHub sends: the response check saw it too.
    expect(githubViolations().map((v) => v.operation)).toEqual([
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    ]);
    resetGitHubViolations();
  });
});
