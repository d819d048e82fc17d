// Pull request #1 of o/r, served by nock the way GitHub serves it, from a real git repository: the file
// list and comparisons are `git diff`s of its commits, responses are GitHub's own examples (from its
// OpenAPI description) with our values in, and a review whose comment is not on a line of the diff gets
// GitHub's 422, as do comments on `refusePaths`. Its scope is persisted: the setup clears it after the test.

import { execFileSync } from "node:child_process";
import { githubApi, nextPage } from "../helpers/github-api.js";
import { githubExample } from "../helpers/github-examples.js";
import { comparison, diffEntry } from "./diff/github-payloads.js";

type Json = Record<string, unknown>;

const examples = {
  get issueComment() {
    return githubExample("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", 200);
  },
  get reviewComment() {
    return githubExample("GET /repos/{owner}/{repo}/pulls/comments/{comment_id}", 200);
  },
  get review() {
    return githubExample("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", 200);
  },
};

function user(login: string): Json {
  return {
    ...(examples.issueComment.user as Json),
    login,
    id: login.length * 1000,
    type: login.endsWith("[bot]") ? "Bot" : "User",
    html_url: `https://github.com/apps/${login.replace(/\[bot\]$/, "")}`,
  };
}

export interface SentReview {
  commit_id: string;
  event?: string;
  body?: string;
  comments: { path: string; line: number; side?: string; start_line?: number; body: string }[];
}

export interface FakeGitHubOptions {
  /** The repository the pull request's commits are in (the checkout). */
  repoDir: string;
  botLogin: string;
  baseSha: string;
  headSha: string;
  refusePaths?: string[];
}

interface Section {
  path: string;
  previousPath?: string;
  status: "added" | "removed" | "modified" | "renamed";
  patch?: string;
}

/** One entry per file of `git diff from...to`, each with its hunks-only patch, as GitHub lists them. */
export function gitDiffFiles(repoDir: string, from: string, to: string): Section[] {
  const run = (args: string[]) => execFileSync("git", args, { cwd: repoDir }).toString();
  const statuses = run(["diff", "--name-status", "-M", `${from}...${to}`])
    .trim()
    .split("\n")
    .filter(Boolean);
  return statuses.map((row) => {
    const [code, first, second] = row.split("\t") as [string, string, string | undefined];
    const path = second ?? first;
    const status = code.startsWith("R")
      ? "renamed"
      : code === "A"
        ? "added"
        : code === "D"
          ? "removed"
          : "modified";
    const out = run(["diff", "-M", `${from}...${to}`, "--", ...(second ? [first, second] : [first])]);
    const at = out.search(/^@@ /m);
    return {
      path,
      ...(second !== undefined && { previousPath: first }),
      status,
      ...(at >= 0 && { patch: out.slice(at).replace(/\n$/, "") }),
    };
  });
}

/** The new-side lines of a patch a comment may sit on, and the hunk text up to each. */
function rightLines(patch: string | undefined): Map<number, string> {
  const lines = new Map<number, string>();
  if (!patch) return lines;
  let hunk: string[] = [];
  let next = 0;
  for (const row of patch.split("\n")) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(row);
    if (header) {
      hunk = [row];
      next = Number(header[1]);
      continue;
    }
    hunk.push(row);
    if (row.startsWith("-") || row.startsWith("\\")) continue;
    lines.set(next, hunk.join("\n"));
    next++;
  }
  return lines;
}

const NOW = "2026-11-21T10:00:00Z";
let commentIds = 5000;

/** An issue comment by `login` (the bot by default) as GitHub returns it. */
export function summaryComment(body: string, login = "patchwright[bot]", id = commentIds++): Json {
  return {
    ...examples.issueComment,
    id,
    node_id: `IC_${id}`,
    url: `https://api.github.com/repos/o/r/issues/comments/${id}`,
    html_url: `https://github.com/o/r/pull/1#issuecomment-${id}`,
    issue_url: "https://api.github.com/repos/o/r/issues/1",
    body,
    user: user(login),
    created_at: NOW,
    updated_at: NOW,
    author_association: "NONE",
  };
}

export function fakeGitHub(options: FakeGitHubOptions) {
  const { botLogin } = options;
  const state = {
    headSha: options.headSha,
    issueComments: [] as Json[],
    reviewComments: [] as Json[],
    /** Submitted reviews (with an event), in order. */
    reviews: [] as SentReview[],
    /** Every review POST, pending probes included. */
    reviewPosts: [] as SentReview[],
    deleted: [] as number[],
    /** "METHOD /path" of every request, in order. */
    requests: [] as string[],
  };
  const nextId = () => commentIds++;
  const now = NOW;
  const page = (uri: string) => Number(new URL(`https://x${uri}`).searchParams.get("page") ?? "1");
  const log = (method: string, uri: string) => state.requests.push(`${method} ${uri.split("?")[0]}`);
  const entries = (from: string, to: string) =>
    gitDiffFiles(options.repoDir, from, to).map((s) =>
      diffEntry(s.path, {
        status: s.status,
        ...(s.patch !== undefined && { patch: s.patch }),
        ...(s.previousPath !== undefined && { previous_filename: s.previousPath }),
      }),
    );
  const knownCommit = (sha: string) => {
    try {
      execFileSync("git", ["cat-file", "-e", `${sha}^{commit}`], { cwd: options.repoDir, stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };

  githubApi()
    .persist()
    .get("/repos/o/r/pulls/1/files")
    .query(true)
    .reply((uri) => {
      log("GET", uri);
      const all = entries(options.baseSha, state.headSha);
      const more = all.length > page(uri) * 100 ? nextPage("/repos/o/r/pulls/1/files", page(uri) + 1) : {};
      return [200, all.slice((page(uri) - 1) * 100, page(uri) * 100), more];
    })
    .get(/^\/repos\/o\/r\/compare\/[0-9a-f]+\.\.\.[0-9a-f]+$/)
    .query(true)
    .reply((uri) => {
      log("GET", uri);
      const [from, to] = uri.split("?")[0]!.split("/").at(-1)!.split("...") as [string, string];
      if (!knownCommit(from) || !knownCommit(to)) {
        return [
          404,
          { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" },
        ];
      }
      return [200, comparison(entries(from, to))];
    })
    .get("/repos/o/r/issues/1/comments")
    .query(true)
    .reply((uri) => {
      log("GET", uri);
      return [200, page(uri) === 1 ? state.issueComments : []];
    })
    .post("/repos/o/r/issues/1/comments")
    .reply((uri, body) => {
      log("POST", uri);
      const comment = summaryComment((body as { body: string }).body, botLogin, nextId());
      state.issueComments.push(comment);
      return [201, comment];
    })
    .patch(/^\/repos\/o\/r\/issues\/comments\/\d+$/)
    .reply((uri, body) => {
      log("PATCH", uri);
      const id = Number(uri.split("/").at(-1));
      const comment = state.issueComments.find((c) => c.id === id);
      if (!comment) return [404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" }];
      comment.body = (body as { body: string }).body;
      comment.updated_at = now;
      return [200, comment];
    })
    .get("/repos/o/r/pulls/1/comments")
    .query(true)
    .reply((uri) => {
      log("GET", uri);
      return [200, page(uri) === 1 ? state.reviewComments : []];
    })
    .post("/repos/o/r/pulls/1/reviews")
    .reply((uri, body) => {
      log("POST", uri);
      const review = body as SentReview;
      state.reviewPosts.push(review);
      const diff = new Map(
        gitDiffFiles(options.repoDir, options.baseSha, state.headSha).map((s) => [
          s.path,
          rightLines(s.patch),
        ]),
      );
      const onDiff = (c: SentReview["comments"][number]) =>
        diff.get(c.path)?.has(c.line) === true &&
        (c.start_line === undefined || diff.get(c.path)?.has(c.start_line) === true);
      if (review.comments.some((c) => !onDiff(c) || (options.refusePaths ?? []).includes(c.path))) {
        return [
          422,
          {
            message: "Unprocessable Entity",
            errors: ["Line could not be resolved"],
            documentation_url:
              "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
            status: "422",
          },
        ];
      }
      const id = nextId();
      const reviewBody = {
        ...examples.review,
        id,
        node_id: `PRR_${id}`,
        user: user(botLogin),
        body: review.body ?? "",
        state:
          review.event === undefined
            ? "PENDING"
            : review.event === "REQUEST_CHANGES"
              ? "CHANGES_REQUESTED"
              : "COMMENTED",
        html_url: `https://github.com/o/r/pull/1#pullrequestreview-${id}`,
        pull_request_url: "https://api.github.com/repos/o/r/pulls/1",
        commit_id: review.commit_id,
        submitted_at: now,
      };
      if (review.event === undefined) return [200, reviewBody];
      state.reviews.push(review);
      for (const c of review.comments) {
        const commentId = nextId();
        state.reviewComments.push({
          ...examples.reviewComment,
          url: `https://api.github.com/repos/o/r/pulls/comments/${commentId}`,
          pull_request_review_id: id,
          id: commentId,
          node_id: `PRRC_${commentId}`,
          diff_hunk: diff.get(c.path)!.get(c.line)!,
          path: c.path,
          commit_id: review.commit_id,
          original_commit_id: review.commit_id,
          user: user(botLogin),
          body: c.body,
          created_at: now,
          updated_at: now,
          html_url: `https://github.com/o/r/pull/1#discussion_r${commentId}`,
          pull_request_url: "https://api.github.com/repos/o/r/pulls/1",
          start_line: c.start_line ?? null,
          original_start_line: c.start_line ?? null,
          start_side: c.start_line === undefined ? null : "RIGHT",
          line: c.line,
          original_line: c.line,
          side: "RIGHT",
        });
      }
      return [200, reviewBody];
    })
    .delete(/^\/repos\/o\/r\/pulls\/1\/reviews\/\d+$/)
    .reply((uri) => {
      log("DELETE", uri);
      const id = Number(uri.split("/").at(-1));
      state.deleted.push(id);
      return [200, { ...examples.review, id, state: "PENDING", user: user(botLogin) }];
    });
  return state;
}
