import { describe, expect, it } from "vitest";
import { RepoConfig } from "../../../src/config/schema.js";
import {
  listPostedFingerprints,
  postReview,
  type ReviewComment,
  type ReviewToPost,
} from "../../../src/review/post/post-review.js";
import { renderFingerprint } from "../../../src/review/post/fingerprint.js";
import { githubApi, nextPage, testOctokit } from "../../helpers/github-api.js";
import { githubError, githubExample } from "../../helpers/github-examples.js";
import { githubToken, prng } from "../../helpers/tokens.js";

const guard = RepoConfig.parse({}).guard;
const repo = { owner: "o", repo: "r" };
const SHA = "a".repeat(40);
const REVIEWS = "/repos/o/r/pulls/1/reviews";

const comment = (path: string, line: number, startLine?: number): ReviewComment => ({
  path,
  line,
  ...(startLine !== undefined ? { startLine } : {}),
  side: "RIGHT",
  body: `Problem in ${path}.\n\n${renderFingerprint("0123456789abcdef")}`,
});

const review = (comments: ReviewComment[]): ReviewToPost => ({
  commitId: SHA,
  body: "Review.",
  event: "COMMENT",
  comments,
});

interface SentReview {
  commit_id: string;
  event?: string;
  body?: string;
  comments: {
    path: string;
    line: number;
    side: string;
    start_line?: number;
    start_side?: string;
    body: string;
  }[];
}

/**
 * GitHub as far as reviews go: a review with a comment on a path in `badPaths` is refused (422), and
 * so is every review when `wholeBad`. Returns what was sent, in order.
 */
const reviewBody = (id: number, state: string) =>
  githubExample("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", 200, { id, state });

function fakeReviews(badPaths: string[], wholeBad = false) {
  const sent: SentReview[] = [];
  const deleted: number[] = [];
  let nextId = 100;
  githubApi()
    .persist()
    .post(REVIEWS)
    .reply((_uri, body) => {
      const review = body as SentReview;
      sent.push(review);
      if (wholeBad || review.comments.some((c) => badPaths.includes(c.path))) {
        return [422, githubError(422, "Unprocessable Entity", { errors: ["Line could not be resolved"] })];
      }
      return [200, reviewBody(nextId++, review.event ? "COMMENTED" : "PENDING")];
    })
    .delete(/\/repos\/o\/r\/pulls\/1\/reviews\/\d+$/)
    .reply((uri) => {
      deleted.push(Number(uri.split("/").at(-1)));
      return [200, reviewBody(1, "PENDING")];
    });
  return { sent, deleted };
}

describe("postReview", () => {
  it("posts one review with every comment on the new side, ranges included", async () => {
    const { sent } = fakeReviews([]);
    const result = await postReview(
      testOctokit(),
      repo,
      1,
      { ...review([comment("a.ts", 3), comment("b.ts", 9, 7)]), event: "REQUEST_CHANGES" },
      guard,
    );
    expect(result).toMatchObject({ reviewId: 100, rejected: [], error: undefined });
    expect(result.posted).toHaveLength(2);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ commit_id: SHA, event: "REQUEST_CHANGES", body: "Review." });
    expect(sent[0]?.comments.map(({ body: _body, ...c }) => c)).toEqual([
      { path: "a.ts", line: 3, side: "RIGHT" },
      { path: "b.ts", line: 9, side: "RIGHT", start_line: 7, start_side: "RIGHT" },
    ]);
  });

  it("on a 422, finds the offending comments by bisection and posts the rest as one review", async () => {
    const { sent, deleted } = fakeReviews(["bad.ts"]);
    const comments = [comment("a.ts", 1), comment("b.ts", 2), comment("bad.ts", 3), comment("d.ts", 4)];
    const result = await postReview(testOctokit(), repo, 1, review(comments), guard);

    expect(result.rejected).toEqual([
      { comment: comments[2], reason: "Unprocessable Entity: Line could not be resolved" },
    ]);
    expect(result.posted).toEqual([comments[0], comments[1], comments[3]]);
    expect(result.error).toBeUndefined();
    const submitted = sent.filter((r) => r.event !== undefined);
    expect(submitted.map((r) => r.comments.map((c) => c.path))).toEqual([
      ["a.ts", "b.ts", "bad.ts", "d.ts"],
      ["a.ts", "b.ts", "d.ts"],
    ]);
    expect(result.reviewId).toBe(103);
    // Every pending probe that GitHub accepted was deleted again; nothing pending is left behind.
    expect(deleted).toEqual([100, 101, 102]);
    // 2 submits + 4 probes (none, a+b, bad, d) + 3 deletes.
    expect(sent.length + deleted.length).toBe(9);
  });

  it("posts nothing, with a clear sentence, when GitHub refuses the review as a whole", async () => {
    const { sent, deleted } = fakeReviews([], true);
    const comments = [comment("a.ts", 1), comment("b.ts", 2), comment("c.ts", 3)];
    const result = await postReview(testOctokit(), repo, 1, review(comments), guard);
    expect(result.reviewId).toBeUndefined();
    expect(result.posted).toEqual([]);
    expect(result.rejected.map((r) => r.comment)).toEqual(comments);
    expect(result.error).toBe(
      "GitHub refused the review as a whole (Unprocessable Entity: Line could not be resolved), so no inline comments were posted.",
    );
    expect(sent).toHaveLength(2);
    expect(sent[1]?.comments).toEqual([]);
    expect(deleted).toEqual([]);
  });

  it("returns no review when every comment is refused", async () => {
    const { sent } = fakeReviews(["x.ts", "y.ts"]);
    const comments = [comment("x.ts", 1), comment("y.ts", 2)];
    const result = await postReview(testOctokit(), repo, 1, review(comments), guard);
    expect(result).toMatchObject({ reviewId: undefined, posted: [], error: undefined });
    expect(result.rejected.map((r) => r.comment)).toEqual(comments);
    expect(sent.filter((r) => r.event !== undefined)).toHaveLength(1);
  });

  it("throws an error that is not a refusal", async () => {
    githubApi().post(REVIEWS).reply(500, { message: "Server Error" });
    await expect(
      postReview(testOctokit(), repo, 1, review([comment("a.ts", 1)]), guard),
    ).rejects.toMatchObject({
      status: 500,
    });
  });

  it("passes every body through the leak guard and keeps the fingerprint of a withheld comment", async () => {
    const { sent } = fakeReviews([]);
    const leaky = {
      ...comment("a.ts", 1),
      body: `Use ${githubToken(prng(7))} here.\n\n${renderFingerprint("fedcba9876543210")}`,
    };
    await postReview(
      testOctokit(),
      repo,
      1,
      { ...review([leaky]), body: `Token ${githubToken(prng(8))}` },
      guard,
    );
    expect(sent[0]?.body).toMatch(/^patchwright withheld this message/);
    expect(sent[0]?.comments[0]?.body).toMatch(/^patchwright withheld this message/);
    expect(sent[0]?.comments[0]?.body).toMatch(/<!-- patchwright:finding fedcba9876543210 -->$/);
  });
});

describe("listPostedFingerprints", () => {
  const pullComment = (id: number, login: string, body: string) =>
    githubExample("GET /repos/{owner}/{repo}/pulls/comments/{comment_id}", 200, {
      id,
      body,
      path: "src/a.ts",
      line: id,
      start_line: null,
      original_line: id,
      original_start_line: null,
      diff_hunk: "@@ -1 +1 @@\n+x",
      html_url: `https://github.com/o/r/pull/1#discussion_r${id}`,
      user: { login },
    });

  it("reads our own fingerprints across pages, and nobody else's", async () => {
    const fp = (n: number) => renderFingerprint(n.toString(16).padStart(16, "0"));
    const page1 = Array.from({ length: 100 }, (_, i) => pullComment(i + 1, "someone", `Quoting ${fp(i)}`));
    page1[5] = pullComment(6, "patchwright[bot]", `Bug.\n\n${fp(6)}`);
    githubApi()
      .get("/repos/o/r/pulls/1/comments")
      .query({ per_page: "100", page: "1" })
      .reply(200, page1, nextPage("/repos/o/r/pulls/1/comments", 2))
      .get("/repos/o/r/pulls/1/comments")
      .query({ per_page: "100", page: "2" })
      .reply(200, [
        pullComment(101, "Patchwright[bot]", `Leak.\n\n${fp(101)}`),
        pullComment(102, "patchwright[bot]", "A reply without a marker."),
        pullComment(103, "patchwright[bot]", `${fp(103)} quoted, not ours at the end.`),
      ]);
    const found = await listPostedFingerprints(testOctokit(), repo, 1, "patchwright[bot]");
    expect(found.map((f) => [f.commentId, f.fingerprint])).toEqual([
      [6, "0000000000000006"],
      [101, "0000000000000065"],
    ]);
    expect(found[0]).toMatchObject({
      path: "src/a.ts",
      line: 6,
      startLine: null,
      diffHunk: "@@ -1 +1 @@\n+x",
    });
  });
});
