import { githubApi } from "../../helpers/github-api.js";
import { githubError, githubExample } from "../../helpers/github-examples.js";

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
 * comment on a path in `refusePaths` gets a 422. Answers are GitHub's examples with these values in. Its
 * scope is persisted: the setup clears it after the test.
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
  const issueComment = (c: Comment) =>
    githubExample("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", 200, {
      ...c,
      html_url: `https://github.com/o/r/pull/1#issuecomment-${c.id}`,
    });
  const reviewComment = (c: ReviewComment) =>
    githubExample("GET /repos/{owner}/{repo}/pulls/comments/{comment_id}", 200, { ...c });
  const review = (id: number, state: string) =>
    githubExample("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", 200, { id, state });
  githubApi()
    .persist()
    .get("/repos/o/r/issues/1/comments")
    .query(true)
    .reply((uri) => [200, page(uri) === 1 ? state.issueComments.map(issueComment) : []])
    .post("/repos/o/r/issues/1/comments")
    .reply((_uri, body) => {
      const comment = { id: nextId++, body: (body as { body: string }).body, user: { login: botLogin } };
      state.issueComments.push(comment);
      return [201, issueComment(comment)];
    })
    .patch(/^\/repos\/o\/r\/issues\/comments\/\d+$/)
    .reply((uri, body) => {
      const id = Number(uri.split("/").at(-1));
      const comment = state.issueComments.find((c) => c.id === id);
      if (!comment) return [404, githubError(404, "Not Found")];
      comment.body = (body as { body: string }).body;
      state.patched.push(id);
      return [200, issueComment(comment)];
    })
    .get("/repos/o/r/pulls/1/comments")
    .query(true)
    .reply((uri) => [200, page(uri) === 1 ? state.reviewComments.map(reviewComment) : []])
    .post("/repos/o/r/pulls/1/reviews")
    .reply((_uri, body) => {
      const sent = body as SentReview;
      if (sent.comments.some((c) => refusePaths.includes(c.path))) {
        return [422, githubError(422, "Unprocessable Entity", { errors: ["Line could not be resolved"] })];
      }
      const id = nextId++;
      if (sent.event === undefined) return [200, review(id, "PENDING")];
      state.reviews.push(sent);
      for (const c of sent.comments) {
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
      return [200, review(id, sent.event === "REQUEST_CHANGES" ? "CHANGES_REQUESTED" : "COMMENTED")];
    })
    .delete(/^\/repos\/o\/r\/pulls\/1\/reviews\/\d+$/)
    .reply((uri) => [200, review(Number(uri.split("/").at(-1)), "PENDING")]);
  return state;
}
