/**
 * What the core needs of an Octokit: its `request` method. Probot's context.octokit, @octokit/core and
 * the tests' OpenAPI-checked client all fit, so the core never imports a framework.
 */
export interface OctokitLike {
  request(route: string, params?: object): Promise<{ data: unknown; status: number }>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}
