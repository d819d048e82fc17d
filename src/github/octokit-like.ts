/**
 * What the core needs of an Octokit: `request` for REST and `graphql` for GraphQL. Probot's
 * context.octokit, @octokit/core and the tests' OpenAPI-checked client all fit, so the core never imports
 * a framework.
 */
export interface OctokitLike {
  request(route: string, params?: object): Promise<{ data: unknown; status: number }>;
  /**
   * GraphQL goes through Octokit's own client, never `request("POST /graphql")`: that is
   * `${baseUrl}/graphql`, right on github.com but `/api/v3/graphql` on GitHub Enterprise Server, which serves
   * GraphQL at `/api/graphql`; @octokit/graphql maps a `/api/v3` base there. Resolves with the answer's
   * `data`; rejects (GraphqlResponseError) when the answer has `errors`.
   */
  graphql(query: string, variables?: Record<string, unknown>): Promise<unknown>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}
