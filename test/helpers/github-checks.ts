// The record of checks on requests to GitHub's API and on stubbed responses: what was checked, what
// violated GitHub's OpenAPI description (openapi-description.ts) or GraphQL schema, and the assertion the
// setup's afterEach makes. Kept light (graphql and the description load on first use): setup.ts imports it
// for every test file.

import { createRequire } from "node:module";
import type { ErrorObject } from "ajv";
import type * as GraphQL from "graphql";
import type { GraphQLSchema, IntrospectionQuery } from "graphql";
import { githubGraphqlIntrospection } from "./github-checks-cache.js";
import { githubDescription, type LoadStats, type RequestCheck } from "./openapi-description.js";

const require = createRequire(import.meta.url);

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

/** Notes a request `githubFetch` checked and let through, so the nock interceptor does not check it again. */
export function noteCheckedByFetch(method: string, url: URL): void {
  checkedByFetch.push(`${method} ${url.href}`);
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
  accept: string | undefined;
}): Violation | undefined {
  const { method, url, status, contentType, body, accept } = response;
  const path = isGithubGraphql(url) ? undefined : githubApiPath(url);
  if (path === undefined) return undefined;
  const result = githubDescription().checkResponse({ method, path, status, contentType, body, accept });
  return record(method, url.href, result);
}

/** Records a violation found outside the checks here (such as `graphqlReply`'s). */
export function recordViolation(violation: Violation): void {
  violations.push(violation);
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
let graphqlModule: typeof GraphQL | undefined;

/**
 * graphql, loaded on the first GraphQL request: most test files send none, and it is slow to load. Every
 * helper uses this one copy (the CommonJS build): a schema is refused by another copy of graphql.
 */
export function graphql(): typeof GraphQL {
  return (graphqlModule ??= require("graphql") as typeof GraphQL);
}

/** GitHub's published GraphQL schema (@octokit/graphql-schema), read once, on first use. */
export function githubGraphqlSchema(): GraphQLSchema {
  // The introspection result: GitHub's published SDL defines one field twice, which graphql refuses. The
  // package exports only a module that parses it on import.
  return (graphqlSchema ??= graphql().buildClientSchema(
    JSON.parse(githubGraphqlIntrospection()) as IntrospectionQuery,
  ));
}

/** The query against GitHub's published GraphQL schema, variables included. */
function checkGraphqlQuery(query: string, variables: unknown, operationName: unknown): string[] {
  const graphqlSchema = githubGraphqlSchema();
  let document;
  try {
    document = graphql().parse(query);
  } catch (err) {
    return [`the GraphQL query does not parse: ${(err as Error).message}`];
  }
  const invalid = graphql()
    .validate(graphqlSchema, document)
    .map((e) => `GraphQL: ${e.message}`);
  if (invalid.length) return invalid;
  const operation = graphql().getOperationAST(
    document,
    typeof operationName === "string" ? operationName : undefined,
  );
  if (!operation) return ["the GraphQL document names no single operation to run"];
  const values = graphql().getVariableValues(
    graphqlSchema,
    operation.variableDefinitions ?? [],
    (variables ?? {}) as Record<string, unknown>,
  );
  return (values.errors ?? []).map((e) => `GraphQL variables: ${e.message}`);
}
