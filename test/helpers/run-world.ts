// The world an end-to-end run test needs: a real repository served over smart HTTP as GitHub's git
// remote (Codertocat/Hello-World, default branch master), the Anthropic API stubbed at HTTP with
// scripted turns, and GitHub's API answers the executor asks for. GitHub's requests still go through the
// OpenAPI-checked fetch of github-api.ts.
import { join } from "node:path";
import nock from "nock";
import type { ContentBlock } from "../../src/agent/model-types.js";
import { createAnthropicClient } from "../../src/agent/model/anthropic-client.js";
import { SSE_HEADERS, streamedMessage } from "./anthropic-sse.js";
import { githubApi } from "./github-api.js";
import { configFile, issueComment, permissionOf } from "./github-answers.js";
import { githubExample } from "./github-examples.js";
import { startGitHttpServer, type GitHttpServer } from "./git-http-server.js";
import { git, tempDir, tempRepo, writeFiles } from "./temp-repo.js";

export const OWNER = "Codertocat";
export const NAME = "Hello-World";
export const API_REPO = `/repos/${OWNER}/${NAME}`;

/** A page function with an off-by-one, and a check that fails until it is fixed. */
export const PROJECT: Record<string, string> = {
  "README.md": "# Hello-World\n",
  "src/page.js":
    "export function page(items, size, n) {\n  const out = [];\n  const end = Math.min(items.length, (n + 1) * size);\n  for (let i = n * size; i <= end; i++) out.push(items[i]);\n  return out;\n}\n",
  "check.js":
    'import { page } from "./src/page.js";\nconst got = page([1, 2, 3, 4, 5], 2, 0).length;\nif (got !== 2) {\n  console.error(`expected 2 items, got ${got}`);\n  process.exit(1);\n}\n',
  "package.json": '{ "type": "module" }\n',
};

export interface World {
  server: GitHttpServer;
  /** The bare repository behind the server. */
  remote: string;
  gitUrl: (owner: string, name: string) => string;
  close(): Promise<void>;
}

export async function startWorld(tokens: string[], files: Record<string, string> = PROJECT): Promise<World> {
  const origin = tempRepo(files);
  git(origin, ["branch", "-m", "main", "master"]);
  const root = tempDir("pw-git-root-");
  const remote = join(root, OWNER, `${NAME}.git`);
  git(root, ["clone", "-q", "--bare", origin, remote]);
  const server = await startGitHttpServer(root, tokens);
  return {
    server,
    remote,
    gitUrl: (owner, name) => `${server.url}/${owner}/${name}.git`,
    close: () => server.close(),
  };
}

/**
 * The Anthropic API answering each model call with the next scripted turn, streamed as the API does;
 * the request bodies go into `sent` when given.
 */
export function modelTurns(turns: ContentBlock[][], sent?: string[], delayMs = 0): nock.Scope {
  const scope = nock("https://api.anthropic.com");
  for (const content of turns) {
    scope
      .post("/v1/messages", (body: unknown) => (sent?.push(JSON.stringify(body)), true))
      .delay(delayMs)
      .reply(200, streamedMessage(content), SSE_HEADERS);
  }
  return scope;
}

/** A branch on the remote with one more commit, also published as pull request `number`'s head. */
export function pullRequestBranch(
  w: World,
  branch: string,
  number: number,
  files: Record<string, string>,
): string {
  const work = tempDir("pw-pr-");
  git(work, ["clone", "-q", w.remote, "."]);
  git(work, ["checkout", "-q", "-b", branch]);
  writeFiles(work, files);
  git(work, ["add", "-A"]);
  git(work, ["commit", "-q", "-m", "work in progress"]);
  git(work, ["push", "-q", "origin", `${branch}:refs/heads/${branch}`]);
  const sha = git(work, ["rev-parse", "HEAD"]).trim();
  git(w.remote, ["update-ref", `refs/pull/${number}/head`, sha]);
  return sha;
}

/** GitHub's pull request, from this repository or a fork. */
export function pullRequest(
  number: number,
  head: { ref: string; sha: string },
  fork = false,
  baseSha = "b".repeat(40),
): object {
  const repo = { full_name: `${OWNER}/${NAME}` };
  return githubExample("GET /repos/{owner}/{repo}/pulls/{pull_number}", 200, {
    number,
    title: "Make pages configurable",
    body: "",
    draft: false,
    user: { login: OWNER, type: "User" },
    head: { ...head, repo: fork ? { full_name: "someone/Hello-World" } : repo },
    base: { ref: "master", sha: baseSha, repo },
  });
}

export const testModel = () => createAnthropicClient({ apiKey: "test-model-key", env: {}, maxRetries: 0 });

export function toolUse(id: string, name: string, input: unknown): ContentBlock {
  return { type: "tool_use", id, name, input };
}

export const FIX_TURNS: ContentBlock[][] = [
  [
    toolUse("t1", "update_progress", {
      items: [
        { text: "Find the off-by-one", done: true },
        { text: "Fix the loop bound", done: false },
      ],
    }),
  ],
  [
    toolUse("t2", "str_replace_based_edit_tool", {
      command: "str_replace",
      path: "src/page.js",
      old_str: "i <= end",
      new_str: "i < end",
    }),
  ],
  [{ type: "text", text: "Fixed the off-by-one in `page()`: the loop ran one item past the page." }],
];

/**
 * An author as GitHub's GraphQL API gives it: a bot's login without REST's `[bot]`, told apart by its
 * type. `login` is in REST's form (`patchwright[bot]`).
 */
export function graphqlActor(login: string): { __typename: "Bot" | "User"; login: string } {
  const bot = /\[bot\]$/i.exec(login);
  return bot ? { __typename: "Bot", login: login.slice(0, bot.index) } : { __typename: "User", login };
}

/** GitHub's GraphQL answer for the thread's context; comment logins in REST's form. */
export function threadAnswer(o: {
  title?: string;
  body?: string;
  comments?: { id: number; body: string; login: string; createdAt: string; lastEditedAt?: string }[];
  pullRequest?: boolean;
  threads?: { resolved: boolean; path: string; line: number; body: string }[];
}): object {
  return {
    data: {
      repository: {
        issueOrPullRequest: {
          __typename: o.pullRequest ? "PullRequest" : "Issue",
          title: o.title ?? "Spelling error in the README file",
          body: o.body ?? "Pagination drops the last item of every page.",
          createdAt: "2019-05-15T15:20:18Z",
          lastEditedAt: null,
          author: graphqlActor(OWNER),
          comments: {
            nodes: (o.comments ?? []).map((c) => ({
              databaseId: c.id,
              body: c.body,
              createdAt: c.createdAt,
              lastEditedAt: c.lastEditedAt ?? null,
              author: graphqlActor(c.login),
            })),
          },
          ...(o.pullRequest
            ? {
                reviewThreads: {
                  nodes: (o.threads ?? []).map((t) => ({
                    isResolved: t.resolved,
                    isOutdated: false,
                    path: t.path,
                    line: t.line,
                    comments: {
                      nodes: [
                        {
                          databaseId: 1,
                          body: t.body,
                          createdAt: "2019-05-15T15:20:18Z",
                          lastEditedAt: null,
                          author: graphqlActor(OWNER),
                        },
                      ],
                    },
                  })),
                },
              }
            : {}),
        },
      },
    },
  };
}

/** The tracking comment's edits, kept in order; the last is the report. */
export function trackingEdits(commentId: number): string[] {
  const bodies: string[] = [];
  githubApi()
    .persist()
    .patch(`${API_REPO}/issues/comments/${commentId}`, (b: { body: string }) => (bodies.push(b.body), true))
    .reply(200, (_uri, b: { body: string }) => issueComment(commentId, { body: b.body }));
  return bodies;
}

/** The repository's config, read from the default branch. */
export function repoConfig(config: string, scope = githubApi()): nock.Scope {
  return scope
    .get(/\/contents\/\.github%2Fpatchwright\.yml/)
    .query({ ref: "master" })
    .reply(200, configFile(config));
}

/** The repository's config, and the commenter's permission. */
export function configAndPermission(config: string, permission = "write", scope = githubApi()): nock.Scope {
  return repoConfig(config, scope)
    .get(/\/collaborators\/[^/]+\/permission$/)
    .reply(200, permissionOf(OWNER, permission));
}

/** GitHub's body for a branch that does not exist. */
export const BRANCH_NOT_FOUND = {
  message: "Branch not found",
  documentation_url: "https://docs.github.com/rest/branches/branches#get-a-branch",
  status: "404",
};

/**
 * GitHub's answer when a run asks, before pushing, whether `branch` is protected: a branch that does not
 * exist yet is a 404 (GitHub's own body); an existing one is GitHub's example branch, renamed.
 */
export function branchLookup(branch: string, existing = false, scope = githubApi()): nock.Scope {
  const path = `${API_REPO}/branches/${encodeURIComponent(branch)}`;

  if (!existing) return scope.get(path).reply(404, BRANCH_NOT_FOUND);
  return scope
    .get(path)
    .reply(
      200,
      githubExample("GET /repos/{owner}/{repo}/branches/{branch}", 200, { name: branch, protected: false }),
    );
}
