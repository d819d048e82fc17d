import { githubApi } from "../../helpers/github-api.js";

interface Comment {
  id: number;
  body: string;
  user: { login: string };
}

interface ReviewComment extends Comment {
  path: string;
  line: number;
  start_line: number | null;
  original_line: number;
  original_start_line: number | null;
  diff_hunk: string;
  html_url: string;
}

export interface SentReview {
  commit_id: string;
  event?: string;
  body?: string;
  comments: { path: string; line: number; start_line?: number; body: string }[];
}

/**
 * Pull request #1 of o/r as GitHub keeps it, for the review's requests: issue comments, review
 * comments (with a diff hunk made from `files`, the head's content) and reviews. A review with a
 * comment on a path in `refusePaths` gets a 422. Call `nock.cleanAll()` after the test.
 */
export function fakePull(botLogin: string, files: Record<string, string>, refusePaths: string[] = []) {
  const state = {
    files,
    issueComments: [] as Comment[],
    reviewComments: [] as ReviewComment[],
    reviews: [] as SentReview[],
    patched: [] as number[],
  };
  let nextId = 1000;
  const page = (uri: string) => Number(new URL(`https://x${uri}`).searchParams.get("page") ?? "1");
  githubApi()
    .persist()
    .get("/repos/o/r/issues/1/comments")
    .query(true)
    .reply((uri) => [200, page(uri) === 1 ? state.issueComments : []])
    .post("/repos/o/r/issues/1/comments")
    .reply((_uri, body) => {
      const comment = { id: nextId++, body: (body as { body: string }).body, user: { login: botLogin } };
      state.issueComments.push(comment);
      return [201, { ...comment, html_url: `https://github.com/o/r/pull/1#issuecomment-${comment.id}` }];
    })
    .patch(/^\/repos\/o\/r\/issues\/comments\/\d+$/)
    .reply((uri, body) => {
      const id = Number(uri.split("/").at(-1));
      const comment = state.issueComments.find((c) => c.id === id);
      if (!comment) return [404, { message: "Not Found" }];
      comment.body = (body as { body: string }).body;
      state.patched.push(id);
      return [200, { ...comment, html_url: `https://github.com/o/r/pull/1#issuecomment-${id}` }];
    })
    .get("/repos/o/r/pulls/1/comments")
    .query(true)
    .reply((uri) => [200, page(uri) === 1 ? state.reviewComments : []])
    .post("/repos/o/r/pulls/1/reviews")
    .reply((_uri, body) => {
      const review = body as SentReview;
      if (review.comments.some((c) => refusePaths.includes(c.path))) {
        return [422, { message: "Unprocessable Entity", errors: ["Line could not be resolved"] }];
      }
      const id = nextId++;
      if (review.event === undefined) return [200, { id, state: "PENDING" }];
      state.reviews.push(review);
      for (const c of review.comments) {
        const lines = (state.files[c.path] ?? "").split("\n").slice(0, c.line);
        const commentId = nextId++;
        state.reviewComments.push({
          id: commentId,
          body: c.body,
          user: { login: botLogin },
          path: c.path,
          line: c.line,
          start_line: c.start_line ?? null,
          original_line: c.line,
          original_start_line: c.start_line ?? null,
          diff_hunk: `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}`,
          html_url: `https://github.com/o/r/pull/1#discussion_r${commentId}`,
        });
      }
      return [200, { id, state: review.event === "REQUEST_CHANGES" ? "CHANGES_REQUESTED" : "COMMENTED" }];
    })
    .delete(/^\/repos\/o\/r\/pulls\/1\/reviews\/\d+$/)
    .reply(200, { id: 1 });
  return state;
}
