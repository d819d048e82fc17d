import { ProbotOctokit } from "probot";

type Options = Record<string, unknown> & { throttle?: Record<string, unknown> };

/**
 * Probot's Octokit, retrying secondary rate limits: Probot's own handler only logs them, which fails the
 * request — and a run's many writes (progress, pushes, pull requests) are just what trips them. Retried
 * twice, after the wait GitHub asks for. 5xx answers are retried by Probot's retry plugin already.
 */
export const PatchwrightOctokit: typeof ProbotOctokit = ProbotOctokit.defaults((options: Options) => ({
  ...options,
  throttle: {
    ...options.throttle,
    onSecondaryRateLimit: (_retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) =>
      retryCount < 2,
  },
}));
