// An in-process GitHub for `npm run bench:review`: a real Octokit whose fetch answers the routes a review
// uses, from the synthetic pull request's file list, so errors and pagination work as against GitHub.
// Like GitHub, it refuses (422) a review with a comment on a line that is not on the new side of the diff.
// It counts every call by route, and checks each posted comment against the diff on its own (with its own
// hunk reader, not patchwright's).

import { URL } from "node:url";
import { Octokit } from "@octokit/core";

/** The new-side lines of each file's patch: where GitHub takes an inline comment. */
function rightLines(files) {
  const byPath = new Map();
  for (const file of files) {
    const lines = new Set();
    let next = 0;
    for (const row of (file.patch ?? "").split("\n")) {
      const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(row);
      if (header) next = Number(header[1]);
      else if (row.startsWith("+") || row.startsWith(" ") || row === "") lines.add(next++);
    }
    byPath.set(file.filename, lines);
  }
  return byPath;
}

class HttpError extends Error {
  constructor(status, data) {
    super(data.message);
    this.status = status;
    this.data = data;
  }
}

/** A page of a list, with the `link` GitHub sends when another page follows. */
class Page {
  constructor(items, p, total, path) {
    this.items = items;
    this.next =
      p.page * p.per_page < total
        ? `<https://api.github.com${path}?per_page=${p.per_page}&page=${p.page + 1}>; rel="next"`
        : undefined;
  }
}

/** A JSON answer, as the fetch Octokit is given must return (Node's global Response). */
function answer(status, data, headers = {}) {
  return new globalThis.Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** The route's parameters in the URL, by name; numbers as numbers, as the client sent them. */
function matchRoute(template, path) {
  const names = [];
  const source = template.replace(/\{(\w+)\}/g, (_, name) => (names.push(name), "([^/]+)"));
  const m = new RegExp(`^${source}$`).exec(path);
  return m && Object.fromEntries(names.map((name, i) => [name, number(decodeURIComponent(m[i + 1]))]));
}

function number(value) {
  return /^\d+$/.test(value) ? Number(value) : value;
}

export function fakeGitHub({ files, botLogin }) {
  const diff = rightLines(files);
  const calls = [];
  const issueComments = [];
  const reviews = [];
  let nextId = 1;
  const onDiff = (c) =>
    diff.get(c.path)?.has(c.line) === true &&
    (c.start_line === undefined || diff.get(c.path).has(c.start_line));
  const user = { login: botLogin, id: 1, type: "Bot" };

  const routes = {
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/files": (p, path) =>
      new Page(files.slice((p.page - 1) * p.per_page, p.page * p.per_page), p, files.length, path),
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": (p) => (p.page === 1 ? issueComments : []),
    "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": (p) => {
      const comment = {
        id: nextId++,
        body: p.body,
        user,
        html_url: `https://github.com/bench/repo/pull/1#issuecomment-${nextId}`,
      };
      issueComments.push(comment);
      return comment;
    },
    "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": (p) => {
      const comment = issueComments.find((c) => c.id === p.comment_id);
      if (!comment) throw new HttpError(404, { message: "Not Found" });
      comment.body = p.body;
      return comment;
    },
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments": () => [],
    "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews": (p) => {
      if (p.comments.some((c) => !onDiff(c))) {
        throw new HttpError(422, { message: "Unprocessable Entity", errors: ["Line could not be resolved"] });
      }
      const review = { id: nextId++, state: p.event ? "COMMENTED" : "PENDING", commit_id: p.commit_id };
      if (p.event) reviews.push(p);
      return review;
    },
    "DELETE /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}": (p) => ({ id: p.review_id }),
  };

  return {
    calls,
    reviews,
    issueComments,
    /** Posted comments whose line is not on the new side of the diff (GitHub would have refused them). */
    outsideDiff: () => reviews.flatMap((r) => r.comments).filter((c) => !onDiff(c)).length,
    octokit: new Octokit({
      request: {
        fetch: async (url, init = {}) => {
          const { pathname, searchParams } = new URL(url);
          const method = init.method ?? "GET";
          for (const [route, handle] of Object.entries(routes)) {
            const [m, template] = route.split(" ");
            const fromPath = m === method ? matchRoute(template, pathname) : null;
            if (!fromPath) continue;
            calls.push(route);
            const query = Object.fromEntries([...searchParams].map(([k, v]) => [k, number(v)]));
            const body = init.body ? JSON.parse(init.body) : {};
            try {
              const data = handle({ ...query, ...body, ...fromPath }, pathname);
              if (data instanceof Page) return answer(200, data.items, data.next ? { link: data.next } : {});
              return answer(200, data);
            } catch (error) {
              if (error instanceof HttpError) return answer(error.status, error.data);
              throw error;
            }
          }
          calls.push(`${method} ${pathname}`);
          return answer(404, { message: `no fake for ${method} ${pathname}` });
        },
      },
    }),
  };
}
