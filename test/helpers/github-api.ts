// Requests to GitHub's API are checked against GitHub's OpenAPI description (see openapi-description.ts),
// and stubbed responses against the responses it declares. `testOctokit()` and `testProbot()` send
// through `githubFetch`, which checks a request before nock sees it and fails it with an error; every
// other request reaching a nock interceptor is checked there (see nock-checks.ts, installed for every test
// by setup.ts). Either way a violation is recorded, and the setup's `afterEach` fails the test if anything
// was recorded, so catching the error does not hide the bad request.
//
// Use:
//   import { githubApi, testOctokit } from "../helpers/github-api.js";
//   import { githubExample } from "../helpers/github-examples.js";
//   githubApi()
//     .post("/repos/o/r/issues/1/comments")
//     .reply(201, githubExample("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", 201, { id: 1 }));
//   await testOctokit().rest.issues.createComment({ owner: "o", repo: "r", issue_number: 1, body: "hi" });

import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ErrorObject } from "ajv";
import {
  buildClientSchema,
  executeSync,
  getOperationAST,
  getVariableValues,
  parse,
  validate,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import nock from "nock";
import { Probot, ProbotOctokit, type ApplicationFunction, type Options as ProbotOptions } from "probot";
import { githubDescription, type LoadStats, type RequestCheck } from "./openapi-description.js";

export type { LoadStats } from "./openapi-description.js";

/** The installation token the helpers authenticate with. A plain word: the leak guard scans tests. */
export const TEST_INSTALLATION_TOKEN = "test-installation-token";

export interface Violation {
  method: string;
  url: string;
  /** The operation the request was matched to, e.g. `POST /repos/{owner}/{repo}/issues`. */
  operation: string | undefined;
  /** What is wrong, one line each. */
  problems: string[];
  /** The ajv errors behind the problems (empty for problems ajv did not find). */
  errors: ErrorObject[];
}

export interface CheckedRequest {
  method: string;
  url: string;
  operation: string | undefined;
  ok: boolean;
}

export class GitHubApiViolationError extends Error {
  constructor(readonly violation: Violation) {
    super(`GitHub API request does not match GitHub's OpenAPI description: ${formatViolation(violation)}`);
    this.name = "GitHubApiViolationError";
  }
}

const violations: Violation[] = [];
const checked: CheckedRequest[] = [];
/** `METHOD url` of the requests `githubFetch` checked and let through, not yet seen by a nock interceptor. */
const checkedByFetch: string[] = [];

/** The violations recorded since the last reset (the `afterEach` resets after every test). */
export function githubViolations(): readonly Violation[] {
  return [...violations];
}

export function resetGitHubViolations(): void {
  violations.length = 0;
  checked.length = 0;
  checkedByFetch.length = 0;
}

/** The GitHub requests checked since the last reset, good and bad. */
export function checkedGitHubRequests(): readonly CheckedRequest[] {
  return [...checked];
}

/**
 * Throws if any violation was recorded, listing them; resets either way. The setup's `afterEach` (and
 * `afterAll`, for requests made by `afterAll` hooks or after the last test) calls it.
 */
export function assertNoGitHubViolations(): void {
  const found = violations.splice(0);
  checked.length = 0;
  checkedByFetch.length = 0;
  if (found.length === 0) return;
  throw new Error(
    `${found.length} GitHub API request(s) did not match GitHub's OpenAPI description ` +
      `(each also failed with an error, which may have been caught):\n` +
      found.map((v) => `  - ${formatViolation(v)}`).join("\n"),
  );
}

function formatViolation(v: Violation): string {
  const op = v.operation ? ` (${v.operation})` : "";
  return `${v.method} ${v.url}${op}: ${v.problems.join("; ")}`;
}

/** How long loading GitHub's OpenAPI description took, loading it now if no request has yet. */
export function githubDescriptionLoadStats(): LoadStats {
  return githubDescription().stats;
}

// ---------------------------------------------------------------------------------------------------

/**
 * The path below the API base if the URL is GitHub's REST API: https://api.github.com/..., or a GitHub
 * Enterprise Server base ending in /api/v3. Anything else (uploads, GraphQL, other hosts) is not checked
 * against the REST description.
 */
export function githubApiPath(url: URL): string | undefined {
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.hostname === "api.github.com") return url.pathname || "/";
  const ghes = /^(?:.*?)\/api\/v3(?=\/|$)/.exec(url.pathname);
  return ghes ? url.pathname.slice(ghes[0].length) || "/" : undefined;
}

/**
 * Whether the URL is GitHub's GraphQL endpoint: https://api.github.com/graphql, or a GitHub Enterprise
 * Server's /api/graphql (not /api/v3/graphql: GHES has nothing there, so that is checked as REST, and fails).
 */
export function isGithubGraphql(url: URL): boolean {
  if (url.protocol !== "https:" && url.protocol !== "http:") return false;
  if (url.hostname === "api.github.com") return url.pathname === "/graphql";
  return /^(?:\/.*)?\/api\/graphql$/.test(url.pathname);
}

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
    checkedByFetch.push(`${method} ${url.href}`);
  }
  if (globalThis.fetch === githubFetch)
    throw new Error("githubFetch wraps the global fetch; do not install it as one");
  return globalThis.fetch(input, init);
};

/** A Content-Type header's media type, lower case, without parameters. */
export function mediaType(header: string | null | undefined): string | undefined {
  return header?.split(";")[0]?.trim().toLowerCase() || undefined;
}

/**
 * Checks a request against GitHub's OpenAPI description (GraphQL against GitHub's schema) if it is
 * addressed to GitHub's API, and records it; a violation is also recorded for the `afterEach` check.
 */
export function checkGitHubRequest(request: {
  method: string;
  url: URL;
  contentType: string | undefined;
  body: string | undefined;
}): Violation | undefined {
  const { method, url, contentType, body } = request;
  const graphql = isGithubGraphql(url);
  const path = graphql ? "/graphql" : githubApiPath(url);
  if (path === undefined) return undefined;
  const result: RequestCheck = graphql
    ? checkGraphql(method, body)
    : githubDescription().check({ method, path, query: url.searchParams, contentType, body });
  checked.push({ method, url: url.href, operation: result.operation, ok: result.problems.length === 0 });
  return record(method, url.href, result);
}

/** `checkGitHubRequest` for a request a nock interceptor caught, unless `githubFetch` already checked it. */
export function checkInterceptedGitHubRequest(
  request: Parameters<typeof checkGitHubRequest>[0],
): Violation | undefined {
  const seen = checkedByFetch.indexOf(`${request.method} ${request.url.href}`);
  if (seen >= 0) {
    checkedByFetch.splice(seen, 1);
    return undefined;
  }
  return checkGitHubRequest(request);
}

/**
 * Checks a stubbed response to a request to GitHub's REST API against the response GitHub declares for
 * the operation (see `GitHubDescription.checkResponse`), recording a violation. GraphQL answers are not
 * checked here: `graphqlReply` builds them through GitHub's schema.
 */
export function checkGitHubResponse(response: {
  method: string;
  url: URL;
  status: number;
  contentType: string | undefined;
  body: string | undefined;
}): Violation | undefined {
  const { method, url, status, contentType, body } = response;
  const path = isGithubGraphql(url) ? undefined : githubApiPath(url);
  if (path === undefined) return undefined;
  const result = githubDescription().checkResponse({ method, path, status, contentType, body });
  return record(method, url.href, result);
}

function record(method: string, url: string, result: RequestCheck): Violation | undefined {
  if (result.problems.length === 0) return undefined;
  const violation: Violation = {
    method,
    url,
    operation: result.operation,
    problems: result.problems.map((p) => p.message),
    errors: result.problems.flatMap((p) => p.errors),
  };
  violations.push(violation);
  return violation;
}

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

/** GraphQL is not in the REST description; check the envelope only. */
function checkGraphql(method: string, body: string | undefined): RequestCheck {
  const problems: RequestCheck["problems"] = [];
  const add = (message: string) => problems.push({ message, errors: [] });
  if (method !== "POST") add(`${method} is not defined for /graphql (only POST)`);
  let data: unknown;
  try {
    data = JSON.parse(body ?? "");
  } catch {
    add("the GraphQL request body is not JSON");
  }
  if (typeof data === "object" && data !== null && !Array.isArray(data)) {
    const envelope = data as Record<string, unknown>;
    if (typeof envelope.query !== "string") add('the GraphQL request body has no "query" string');
    for (const key of Object.keys(envelope)) {
      if (!["query", "variables", "operationName"].includes(key))
        add(`unknown GraphQL request property "${key}"`);
    }
    if (typeof envelope.query === "string") {
      for (const message of checkGraphqlQuery(envelope.query, envelope.variables, envelope.operationName))
        add(message);
    }
  } else if (data !== undefined) {
    add("the GraphQL request body is not an object");
  }
  return { operation: "POST /graphql", problems };
}

let graphqlSchema: GraphQLSchema | undefined;

/** GitHub's published GraphQL schema (@octokit/graphql-schema), read once, on first use. */
function githubGraphqlSchema(): GraphQLSchema {
  // The introspection result: GitHub's published SDL defines one field twice, which graphql refuses. The
  // package exports only a module that parses it on import.
  return (graphqlSchema ??= buildClientSchema(
    JSON.parse(
      readFileSync(
        join(import.meta.dirname, "../../node_modules/@octokit/graphql-schema/schema.json"),
        "utf8",
      ),
    ) as IntrospectionQuery,
  ));
}

/** The query against GitHub's published GraphQL schema, variables included. */
function checkGraphqlQuery(query: string, variables: unknown, operationName: unknown): string[] {
  const graphqlSchema = githubGraphqlSchema();
  let document;
  try {
    document = parse(query);
  } catch (err) {
    return [`the GraphQL query does not parse: ${(err as Error).message}`];
  }
  const invalid = validate(graphqlSchema, document).map((e) => `GraphQL: ${e.message}`);
  if (invalid.length) return invalid;
  const operation = getOperationAST(document, typeof operationName === "string" ? operationName : undefined);
  if (!operation) return ["the GraphQL document names no single operation to run"];
  const values = getVariableValues(
    graphqlSchema,
    operation.variableDefinitions ?? [],
    (variables ?? {}) as Record<string, unknown>,
  );
  return (values.errors ?? []).map((e) => `GraphQL variables: ${e.message}`);
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
    const result = executeSync({
      schema: githubGraphqlSchema(),
      document: parse(query),
      rootValue: root,
      ...(variables ? { variableValues: variables } : {}),
    });
    if (!result.errors?.length) return [200, { data: result.data }];
    const problems = result.errors.map(
      (e) => `the test's GraphQL data does not fit GitHub's schema: ${e.message}`,
    );
    violations.push({ method: "POST", url: uri, operation: "POST /graphql", problems, errors: [] });
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
