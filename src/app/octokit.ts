import type Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";
import { placeholdersExpireSooner } from "./throttle-placeholders.js";

type Options = Record<string, unknown> & { throttle?: Record<string, unknown> };
interface RequestWithDefaults {
  defaults(options: { baseUrl: string }): unknown;
}

/**
 * Probot's Octokit, retrying secondary rate limits: Probot's own handler only logs them, which fails the
 * request — and a run's many writes (progress, pushes, pull requests) are just what trips them. Retried
 * twice, after the wait GitHub asks for. 5xx answers are retried by Probot's retry plugin already. With
 * `REDIS_URL`, Probot shares the throttling through Redis, and a dead worker's placeholder jobs are let go
 * after a few seconds (throttle-placeholders.ts).
 */
export const PatchwrightOctokit: typeof ProbotOctokit = ProbotOctokit.defaults((options: Options) => ({
  ...options,
  ...authOnBaseUrl(options),
  throttle: {
    ...options.throttle,
    ...clusteredBottleneck(options.throttle),
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

// Longer than any Redis round trip a placeholder job waits for; short beside a worker's lease.
const PLACEHOLDER_EXPIRATION_MS = 5_000;

// One class per Bottleneck Probot hands over: Octokit's throttling builds its limiter groups once.
const clustered = new WeakMap<typeof Bottleneck, typeof Bottleneck>();

function clusteredBottleneck(throttle: Options["throttle"]): { Bottleneck?: typeof Bottleneck } {
  const Base = throttle?.["Bottleneck"] as typeof Bottleneck | undefined;
  if (!Base || throttle?.["connection"] === undefined) return {};
  let Limiter = clustered.get(Base);
  if (!Limiter) clustered.set(Base, (Limiter = placeholdersExpireSooner(Base, PLACEHOLDER_EXPIRATION_MS)));
  return { Bottleneck: Limiter };
}
