import type Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";
import { appJwtSigner, type CreateAppJwt } from "./app-jwt.js";
import { clusteredThrottling } from "./clustered-throttling.js";

type Options = Record<string, unknown> & { throttle?: Record<string, unknown> };
interface RequestWithDefaults {
  defaults(options: { baseUrl: string }): unknown;
}

/**
 * Probot's Octokit, retrying secondary rate limits: Probot's own handler only logs them, which fails the
 * request — and a run's many writes (progress, pushes, pull requests) are just what trips them. Retried
 * twice, after the wait GitHub asks for. 5xx answers are retried by Probot's retry plugin already. With
 * `REDIS_URL`, Probot shares the throttling through Redis: the pacing groups only, with a dead worker's
 * placeholder jobs let go after a few seconds (clustered-throttling.ts). The App's JWT is signed once per
 * ten minutes (app-jwt.ts).
 */
export const PatchwrightOctokit: typeof ProbotOctokit = ProbotOctokit.defaults(patchwrightOctokitOptions);

/** The options PatchwrightOctokit makes of Probot's (exported for tests). */
export function patchwrightOctokitOptions(options: Options): Options {
  const auth = signedOnce(onBaseUrl(options.auth, options.baseUrl));
  return {
    ...options,
    ...(auth !== undefined ? { auth } : {}),
    throttle: {
      ...options.throttle,
      ...clusteredBottleneck(options.throttle),
      onSecondaryRateLimit: (_retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 2,
    },
  };
}

/**
 * Probot hands the App authentication a `request` of its own, without the base URL: tokens minted through
 * Octokit's requests go to the right server (the hook passes the request's base along), but asking for one
 * outright — `octokit.auth({ type: "installation", refresh: true })`, the fresh token a push at the end of
 * a long run uses — went to api.github.com, even on GitHub Enterprise Server. The base is added here.
 */
function onBaseUrl(auth: unknown, baseUrl: unknown): unknown {
  if (typeof baseUrl !== "string" || typeof auth !== "object" || auth === null) return auth;
  const request = (auth as { request?: unknown }).request;
  if (typeof (request as RequestWithDefaults | undefined)?.defaults !== "function") return auth;
  return { ...auth, request: (request as RequestWithDefaults).defaults({ baseUrl }) };
}

// One signer per key: Probot builds every installation's Octokit from the same options, so each one
// would otherwise get a signer (and a JWT) of its own. In practice one entry, the App's key.
const signers = new Map<string, CreateAppJwt>();

/**
 * The App's key given to auth-app as a `createJwt` that signs once per JWT lifetime (app-jwt.ts) instead
 * of as a PEM it parses and signs with on every call. auth-app refuses both at once: the PEM goes.
 */
function signedOnce(auth: unknown): unknown {
  if (typeof auth !== "object" || auth === null) return auth;
  const { privateKey, ...rest } = auth as { privateKey?: unknown };
  if (typeof privateKey !== "string") return auth;
  let createJwt = signers.get(privateKey);
  if (!createJwt) signers.set(privateKey, (createJwt = appJwtSigner(privateKey)));
  return { ...rest, createJwt };
}

// Longer than any Redis round trip a placeholder job waits for; short beside a worker's lease.
const PLACEHOLDER_EXPIRATION_MS = 5_000;

// How long a clustered limiter (one per installation and group) lives without requests. Each live one
// sends Redis a heartbeat every 5 s from every process; the plugin's 2 minutes kept thousands alive
// after a burst over many installations. After 20 s idle, the pace it kept (1 s, 3 s) is met anyway.
const IDLE_LIMITER_MS = 20_000;

// One class per Bottleneck Probot hands over: Octokit's throttling builds its limiter groups once.
const clustered = new WeakMap<typeof Bottleneck, typeof Bottleneck>();

function clusteredBottleneck(throttle: Options["throttle"]): {
  Bottleneck?: typeof Bottleneck;
  timeout?: number;
} {
  const Base = throttle?.["Bottleneck"] as typeof Bottleneck | undefined;
  if (!Base || throttle?.["connection"] === undefined) return {};
  let Limiter = clustered.get(Base);
  if (!Limiter) clustered.set(Base, (Limiter = clusteredThrottling(Base, PLACEHOLDER_EXPIRATION_MS)));
  return { Bottleneck: Limiter, timeout: IDLE_LIMITER_MS };
}
