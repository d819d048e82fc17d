// An in-process stand-in for the few GitHub API routes a mention run uses, for the demo only: it keeps
// comments and pull requests in memory and prints each write. Anything else fails loudly, so the demo
// cannot pretend a call it does not know succeeded.

import { URL } from "node:url";
import { Octokit } from "@octokit/core";

export function fakeGitHub({ owner, name, issue, timeline }) {
  const comments = new Map();
  const pulls = [];
  let nextId = 1000;
  const repo = `/repos/${owner}/${name}`;
  const routes = [
    ["GET", `${repo}/contents/{path}`, () => fail(404, "Not Found")],
    [
      "GET",
      `${repo}/collaborators/{username}/permission`,
      () => ({ permission: "admin", role_name: "admin" }),
    ],
    ["GET", `${repo}/issues/{issue_number}/comments`, () => [...comments.values()]],
    [
      "POST",
      `${repo}/issues/comments/{comment_id}/reactions`,
      (p) => (timeline("👀 reaction on the comment"), { id: 1, content: p.content }),
    ],
    [
      "POST",
      `${repo}/issues/{issue_number}/comments`,
      (p) => {
        const c = {
          id: nextId++,
          html_url: `https://github.com/${owner}/${name}/issues/${p.issue_number}#c`,
          body: p.body,
          user: { login: "patchwright[bot]" },
        };
        comments.set(c.id, c);
        timeline(`comment posted: ${firstLine(p.body)}`);
        return c;
      },
    ],
    [
      "PATCH",
      `${repo}/issues/comments/{comment_id}`,
      (p) => {
        const c = comments.get(Number(p.comment_id));
        c.body = p.body;
        timeline(`tracking comment: ${summary(p.body)}`);
        return c;
      },
    ],
    ["GET", "/users/{username}", (p) => ({ login: p.username, id: 4242 })],
    // Asked before every push: the run's new branch does not exist yet, so it is not protected.
    ["GET", `${repo}/branches/{path}`, () => fail(404, "Branch not found")],
    [
      "POST",
      "/graphql",
      () => ({
        data: {
          repository: {
            issueOrPullRequest: {
              __typename: "Issue",
              title: issue.title,
              body: issue.body,
              createdAt: issue.createdAt,
              lastEditedAt: null,
              author: { __typename: "User", login: issue.author },
              comments: { nodes: [] },
            },
          },
        },
      }),
    ],
    [
      "POST",
      `${repo}/pulls`,
      (p) => {
        const pr = { number: 2, html_url: `https://github.com/${owner}/${name}/pull/2`, ...p };
        pulls.push(pr);
        timeline(`pull request #2 opened: "${p.title}" (${p.head} → ${p.base}${p.draft ? ", draft" : ""})`);
        return pr;
      },
    ],
    [
      "POST",
      `${repo}/pulls/{pull_number}/requested_reviewers`,
      (p) => (timeline(`review requested from @${p.reviewers.join(", @")}`), {}),
    ],
  ];
  // A real Octokit whose fetch answers from the routes above, so errors, pagination and GraphQL behave
  // as they do against GitHub.
  const octokit = new Octokit({
    request: {
      fetch: async (url, init = {}) => {
        const { pathname, searchParams } = new URL(url);
        const method = init.method ?? "GET";
        const path = decodeURIComponent(pathname);
        const params = { ...Object.fromEntries(searchParams), ...(init.body ? JSON.parse(init.body) : {}) };
        for (const [m, pattern, handle] of routes) {
          const re = new RegExp(
            `^${pattern.replace("{path}", "(?<path>.+)").replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`,
          );
          const match = m === method ? re.exec(path) : null;
          if (!match) continue;
          try {
            return answer(200, await handle({ ...params, ...match.groups }));
          } catch (err) {
            return answer(err.status ?? 500, { message: err.message });
          }
        }
        return answer(501, { message: `the demo's GitHub does not know ${method} ${path}` });
      },
    },
  });
  return { comments, pulls, octokit };
}

/** A JSON answer, as the fetch Octokit is given must return (Node's global Response). */
function answer(status, data) {
  return new globalThis.Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function fail(status, message) {
  throw Object.assign(new Error(message), { status });
}

function firstLine(body) {
  return body.split("\n")[0].slice(0, 100);
}

function summary(body) {
  const lines = body.split("\n").filter((l) => l.trim() && !l.startsWith("<!--"));
  if (!lines[0].startsWith("⏳")) return lines[0].slice(0, 140);
  const items = lines.filter((l) => l.startsWith("- ["));
  const done = items.filter((l) => l.startsWith("- [x]")).length;
  const step = (lines.find((l) => l.startsWith("<sub>")) ?? "").replace(/<\/?sub>/g, "");
  return `working — checklist ${done}/${items.length} — ${step}`;
}
