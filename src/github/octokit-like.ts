import type { Octokit } from "@octokit/core";

/**
 * What the core needs of an Octokit: `request` for REST and `graphql` for GraphQL, with @octokit/core's
 * own types, so a route's parameters and answer are checked. Probot's context.octokit, @octokit/core and
 * the tests' OpenAPI-checked client all fit, so the core never imports a framework.
 *
 * GraphQL goes through Octokit's own client, never `request("POST /graphql")`: that is
 * `${baseUrl}/graphql`, right on github.com but `/api/v3/graphql` on GitHub Enterprise Server, which serves
 * GraphQL at `/api/graphql`; @octokit/graphql maps a `/api/v3` base there. It resolves with the answer's
 * `data`, and rejects (GraphqlResponseError) when the answer has `errors`.
 */
export type OctokitLike = Pick<Octokit, "request" | "graphql">;

export interface RepoRef {
  owner: string;
  repo: string;
}
