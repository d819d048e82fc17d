// An in-process GitHub for `npm run bench:review`: an OctokitLike (`request(route, params)`) answering the
// routes a review uses, from the synthetic pull request's file list. Like GitHub, it refuses (422) a review
// with a comment on a line that is not on the new side of the diff. It counts every call by route, and
// checks each posted comment against the diff on its own (with its own hunk reader, not patchwright's).

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
    this.response = { data };
  }
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
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/files": (p) =>
      files.slice((p.page - 1) * p.per_page, p.page * p.per_page),
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
    octokit: {
      request(route, params = {}) {
        calls.push(route);
        const answer = routes[route];
        if (!answer) return Promise.reject(new HttpError(404, { message: `no fake for ${route}` }));
        try {
          return Promise.resolve({ status: 200, data: JSON.parse(JSON.stringify(answer(params))) });
        } catch (error) {
          return Promise.reject(error);
        }
      },
    },
  };
}
