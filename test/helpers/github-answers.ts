// GitHub's answers the tests stub most, built from GitHub's own examples (see github-examples.ts) with
// the values a test cares about in.

import { githubExample, type ExampleOverrides } from "./github-examples.js";

/** GitHub's issue comment `id` (its example, on this repository's issue 1), with `overrides`. */
export function issueComment(id: number, overrides: ExampleOverrides = {}): Record<string, unknown> {
  return githubExample("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", 200, {
    id,
    html_url: `https://github.com/Codertocat/Hello-World/issues/1#issuecomment-${id}`,
    url: `https://api.github.com/repos/Codertocat/Hello-World/issues/comments/${id}`,
    issue_url: "https://api.github.com/repos/Codertocat/Hello-World/issues/1",
    ...overrides,
  });
}

/** GitHub's answer for a file's contents (its example, renamed), holding `text`. */
export function configFile(text: string, path = ".github/patchwright.yml"): Record<string, unknown> {
  return githubExample("GET /repos/{owner}/{repo}/contents/{path}", 200, {
    name: path.split("/").pop(),
    path,
    size: Buffer.byteLength(text),
    content: Buffer.from(text).toString("base64"),
  });
}

/** GitHub's answer for a collaborator's permission (its example, for `login`). */
export function permissionOf(
  login: string,
  permission: string,
  roleName = permission,
): Record<string, unknown> {
  return githubExample("GET /repos/{owner}/{repo}/collaborators/{username}/permission", 200, {
    permission,
    role_name: roleName,
    // GitHub's example user lacks the role_name its schema requires.
    user: { login, role_name: roleName },
  });
}

/** GitHub's App (its example, under `slug`), as `GET /app` answers. */
export function appInfo(slug: string, overrides: ExampleOverrides = {}): Record<string, unknown> {
  return githubExample("GET /app", 200, { slug, ...overrides });
}

/** A reaction GitHub created (its example, with `content`). */
export function reaction(content = "eyes", overrides: ExampleOverrides = {}): Record<string, unknown> {
  return githubExample("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", 201, {
    content,
    ...overrides,
  });
}

/** A GitHub user or bot (the public-user example, for `login`), as `GET /users/{username}` answers. */
export function githubUser(login: string, overrides: ExampleOverrides = {}): Record<string, unknown> {
  return githubExample("GET /users/{username}", 200, { login, ...overrides });
}

/** The pull request GitHub opened (its example, numbered `number`). */
export function pullRequestCreated(
  number: number,
  overrides: ExampleOverrides = {},
): Record<string, unknown> {
  return githubExample("POST /repos/{owner}/{repo}/pulls", 201, {
    number,
    html_url: `https://github.com/Codertocat/Hello-World/pull/${number}`,
    ...overrides,
  });
}

/** GitHub's answer to requesting reviewers on pull request `number` (its example). */
export function reviewersRequested(number: number): Record<string, unknown> {
  return githubExample("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", 201, { number });
}

/** A check run GitHub created or updated (its example, with `id`). */
export function checkRun(id: number, overrides: ExampleOverrides = {}): Record<string, unknown> {
  return githubExample("POST /repos/{owner}/{repo}/check-runs", 201, { id, ...overrides });
}

/** An issue as GitHub answers it (its example, numbered `number`). */
export function issue(number: number, overrides: ExampleOverrides = {}): Record<string, unknown> {
  return githubExample("GET /repos/{owner}/{repo}/issues/{issue_number}", 200, { number, ...overrides });
}
