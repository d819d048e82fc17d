import { describe, expect, it } from "vitest";
import { ourMarkedComments } from "../../src/github/marked-comments.js";
import { readMarker, renderMarker } from "../../src/runs/marker.js";
import { githubUser, issueComment } from "../helpers/github-answers.js";
import { githubApi, nextPage, testOctokit } from "../helpers/github-api.js";

const repo = { owner: "o", repo: "r" };
const PATH = "/repos/o/r/issues/1/comments";
const BOT = "patchwright[bot]";

const comment = (id: number, login: string, body: string) =>
  issueComment(id, { node_id: `IC_${id}`, body, user: githubUser(login) });
const marked = (id: number, login: string, trigger: string) =>
  comment(id, login, `Working.\n\n${renderMarker({ run: `run-${id}`, trigger })}`);

async function found(since?: string) {
  const query = { botLogin: BOT, read: readMarker, ...(since !== undefined && { since }) };
  const out: [number, string][] = [];
  for await (const { comment: c, marker } of ourMarkedComments(testOctokit(), repo, 1, query))
    out.push([c.id, marker.trigger]);
  return out;
}

describe("ourMarkedComments", () => {
  it("keeps only the bot's own comments that carry the marker, across every page, oldest first", async () => {
    const first = Array.from({ length: 100 }, (_, i) => comment(i + 1, "someone", "chatter"));
    first[3] = marked(4, "mallory", "issue_comment:1");
    first[7] = marked(8, BOT, "issue_comment:2");
    githubApi()
      .get(PATH)
      .query({ per_page: 100, page: 1 })
      .reply(200, first, nextPage(PATH, 2))
      .get(PATH)
      .query({ per_page: 100, page: 2 })
      .reply(200, [comment(101, BOT, "no marker"), marked(102, "Patchwright[bot]", "issue_comment:3")]);
    expect(await found()).toEqual([
      [8, "issue_comment:2"],
      [102, "issue_comment:3"],
    ]);
  });

  it("asks only for comments updated since a time, when given one", async () => {
    githubApi()
      .get(PATH)
      .query({ since: "2026-01-01T00:00:00Z", per_page: 100, page: 1 })
      .reply(200, [marked(5, BOT, "issue_comment:9")]);
    expect(await found("2026-01-01T00:00:00Z")).toEqual([[5, "issue_comment:9"]]);
  });
});
