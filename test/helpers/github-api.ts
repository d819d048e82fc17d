// Requests to GitHub's API are checked against GitHub's OpenAPI description (see openapi-description.ts),
// and stubbed responses against the responses it declares. `testOctokit()` and `testProbot()` send
// through `githubFetch`, which checks a request before nock sees it and fails it with an error; every
// other request reaching a nock interceptor is checked there (see nock-checks.ts, installed for every test
// by setup.ts). Either way a violation is recorded (github-checks.ts), and the setup's `afterEach` fails the
// test if anything was recorded, so catching the error does not hide the bad request.
//
// Use:
//   import { githubApi, testOctokit } from "../helpers/github-api.js";
//   import { githubExample } from "../helpers/github-examples.js";
//   githubApi()
//     .post("/repos/o/r/issues/1/comments")
//     .reply(201, githubExample("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", 201, { id: 1 }));
//   await testOctokit().rest.issues.createComment({ owner: "o", repo: "r", issue_number: 1, body: "hi" });

import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { Probot, ProbotOctokit, type ApplicationFunction, type Options as ProbotOptions } from "probot";
import {
  GitHubApiViolationError,
  checkGitHubRequest,
  githubApiPath,
  githubGraphqlSchema,
  graphql,
  isGithubGraphql,
  mediaType,
  noteCheckedByFetch,
  recordViolation,
} from "./github-checks.js";

export {
  GitHubApiViolationError,
  assertNoGitHubViolations,
  checkedGitHubRequests,
  githubApiPath,
  githubDescriptionLoadStats,
  githubViolations,
  isGithubGraphql,
  resetGitHubViolations,
  type CheckedRequest,
  type Violation,
} from "./github-checks.js";
export type { LoadStats } from "./openapi-description.js";

/** The installation token the helpers authenticate with. A plain word: the leak guard scans tests. */
export const TEST_INSTALLATION_TOKEN = "test-installation-token";

export const githubFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input);
  if (isGithubGraphql(url) || githubApiPath(url) !== undefined) {
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const violation = checkGitHubRequest({
      method,
      url,
      contentType: mediaType(headers.get("content-type")),
      body: await readBody(input, init),
    });
    if (violation) throw new GitHubApiViolationError(violation);
    noteCheckedByFetch(method, url);
  }
  if (globalThis.fetch === githubFetch)
    throw new Error("githubFetch wraps the global fetch; do not install it as one");
  return globalThis.fetch(input, init);
};

/** The body as text, when it can be read without consuming what `fetch` will send. */
async function readBody(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<string | undefined> {
  const body = init?.body;
  if (body === undefined || body === null) {
    if (input instanceof Request && input.body) return input.clone().text();
    return undefined;
  }
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Blob) return body.text();
  if (body instanceof ArrayBuffer) return new TextDecoder().decode(body);
  if (ArrayBuffer.isView(body)) return new TextDecoder().decode(body);
  return undefined; // a stream, FormData, an async iterable: not inspected
}

/**
 * A nock reply for GitHub's GraphQL endpoint that answers the request's own query from `root`, run through
 * GitHub's schema: the answer holds exactly the fields asked for, in the shape GitHub gives them (an
 * abstract type, such as a comment's `author`, is told by `__typename` in `root`). Data the schema would
 * not return — a missing non-null field, an author without a type — is recorded as a violation (failing
 * the test, as a bad request does) and answered 500.
 *
 *   githubApi().post("/graphql").reply(graphqlReply({ repository: { issueOrPullRequest: {...} } }));
 */
export function graphqlReply(root: object): (uri: string, body: nock.Body) => [number, object] {
  return (uri, body) => {
    const { query, variables } = body as { query: string; variables?: Record<string, unknown> };
    const result = graphql().executeSync({
      schema: githubGraphqlSchema(),
      document: graphql().parse(query),
      rootValue: root,
      ...(variables ? { variableValues: variables } : {}),
    });
    if (!result.errors?.length) return [200, { data: result.data }];
    const problems = result.errors.map(
      (e) => `the test's GraphQL data does not fit GitHub's schema: ${e.message}`,
    );
    recordViolation({ method: "POST", url: uri, operation: "POST /graphql", problems, errors: [] });
    return [500, { message: problems.join("; ") }];
  };
}

// ---------------------------------------------------------------------------------------------------

/**
 * `nock("https://api.github.com")`. Given another REST base, such as a GitHub Enterprise Server's
 * `http://ghes.example/api/v3`, a scope on its host whose paths are written below the base, as for
 * api.github.com (`.get("/app")` matches `/api/v3/app`); other paths on the host (GHES GraphQL's
 * `/api/graphql`) are matched as they are.
 */
export function githubApi(base?: string): nock.Scope {
  if (base === undefined) return nock("https://api.github.com");
  const { origin, pathname } = new URL(base);
  const prefix = pathname.replace(/\/+$/, "");
  if (!prefix) return nock(origin);
  return nock(origin).filteringPath((p) =>
    p === prefix || p.startsWith(`${prefix}/`) || p.startsWith(`${prefix}?`)
      ? p.slice(prefix.length) || "/"
      : p,
  );
}

/**
 * The `link` header GitHub sends with a page of a list that has another page after it: the client finds
 * the next page by it, so a stub of several pages must send it on every page but the last.
 *
 *   githubApi().get("/repos/o/r/issues/1/comments").query(true).reply(200, first, nextPage("/repos/o/r/issues/1/comments", 2));
 */
export function nextPage(path: string, page: number, perPage = 100): { link: string } {
  return { link: `<https://api.github.com${path}?per_page=${perPage}&page=${page}>; rel="next"` };
}

export type TestOctokitOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;

/**
 * An Octokit built on Probot's class, authenticated with `TEST_INSTALLATION_TOKEN`, sending through
 * `githubFetch`, without retries or throttling. Options are merged in (e.g. `baseUrl` for GHES).
 */
export function testOctokit(options: TestOctokitOptions = {}): ProbotOctokit {
  return new ProbotOctokit({
    // ProbotOctokit's auth strategy takes an options object: `{ token }` means a token, no app auth.
    auth: { token: TEST_INSTALLATION_TOKEN },
    ...options,
    request: { retries: 0, ...(options.request as object | undefined), fetch: githubFetch },
    retry: { enabled: false },
    throttle: { enabled: false },
  });
}

let testPrivateKey: string | undefined;

/** A PKCS#8 PEM RSA key made on first use (never stored: the leak guard scans tests). */
export function testAppPrivateKey(): string {
  return (testPrivateKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  }).privateKey);
}

/**
 * A Probot app (app id 1) with `appFn` loaded, whose requests (the installation token request included:
 * Probot passes its `request.fetch` to the app authentication) go through `githubFetch`. Handle events
 * with `await probot.receive({ id: "1", name: "issues", payload })`; for a payload with an
 * `installation`, call `mockInstallationToken()` first.
 */
export async function testProbot(appFn: ApplicationFunction, options: ProbotOptions = {}): Promise<Probot> {
  const probot = new Probot({
    appId: 1,
    privateKey: testAppPrivateKey(),
    // A function, not an object: Probot's own defaults (applied before these) always set `throttle`
    // (rate-limit handlers, no `enabled`), which would replace an object's `throttle: { enabled: false }`
    // and leave Bottleneck spacing writes a second apart.
    Octokit: ProbotOctokit.defaults((instance: TestOctokitOptions) => ({
      ...instance,
      request: { ...(instance.request as object | undefined), fetch: githubFetch, retries: 0 },
      retry: { enabled: false },
      throttle: { ...(instance.throttle as object | undefined), enabled: false },
    })),
    logLevel: "fatal",
    ...options,
    request: { ...options.request, fetch: githubFetch },
  });
  await probot.load(appFn);
  return probot;
}

/**
 * Intercepts `POST /app/installations/{installation_id}/access_tokens` (any id unless given) once,
 * answering with `TEST_INSTALLATION_TOKEN`, valid for an hour.
 */
export function mockInstallationToken(scope: nock.Scope = githubApi(), installationId?: number): nock.Scope {
  const path =
    installationId === undefined
      ? /^\/app\/installations\/\d+\/access_tokens$/
      : `/app/installations/${installationId}/access_tokens`;
  return scope.post(path).reply(201, {
    token: TEST_INSTALLATION_TOKEN,
    expires_at: new Date(Date.now() + 3600_000).toISOString(),
    permissions: {},
    repository_selection: "all",
  });
}
