import { ProbotOctokit } from "probot";

type Options = Record<string, unknown> & { throttle?: Record<string, unknown> };
interface RequestWithDefaults {
  defaults(options: { baseUrl: string }): unknown;
}

/**
 * Probot's Octokit, retrying secondary rate limits: Probot's own handler only logs them, which fails the
 * request — and a run's many writes (progress, pushes, pull requests) are just what trips them. Retried
 * twice, after the wait GitHub asks for. 5xx answers are retried by Probot's retry plugin already.
 */
export const PatchwrightOctokit: typeof ProbotOctokit = ProbotOctokit.defaults((options: Options) => ({
  ...options,
  ...authOnBaseUrl(options),
  throttle: {
    ...options.throttle,
    onSecondaryRateLimit: (_retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) =>
      retryCount < 2,
  },
}));

/**
 * Probot hands the App authentication a `request` of its own, without the base URL: tokens minted through
 * Octokit's requests go to the right server (the hook passes the request's base along), but asking for one
 * outright — `octokit.auth({ type: "installation", refresh: true })`, the fresh token a push at the end of
 * a long run uses — went to api.github.com, even on GitHub Enterprise Server. The base is added here.
 */
function authOnBaseUrl(options: Options): { auth?: object } {
  const { baseUrl, auth } = options;
  if (typeof baseUrl !== "string" || typeof auth !== "object" || auth === null) return {};
  const request = (auth as { request?: unknown }).request;
  if (typeof (request as RequestWithDefaults | undefined)?.defaults !== "function") return {};
  return { auth: { ...auth, request: (request as RequestWithDefaults).defaults({ baseUrl }) } };
}
