// The checks every test gets from setup.ts, whatever client sends its requests:
// - a request a nock interceptor catches is checked against GitHub's OpenAPI description if it goes to
//   GitHub's API (api.github.com, a GHES-style /api/v3 or /api/graphql), and its stubbed response against
//   the response GitHub declares for the operation; a bad request fails (the client gets an error);
// - a request no interceptor matches (nock refuses it) is recorded, so a client that swallows the
//   refusal does not hide it;
// - after each test, an interceptor left unused fails the test, unless its scope is `.persist()`ed.
//
// nock has no global hook for requests it plays back, so `installNockChecks` wraps `Interceptor#reply`
// (and `#replyWithError`): each scope an interceptor is defined on gets a `request` listener, and reply
// functions are wrapped to see what they answer. The wrap is installed once per worker process (nock is
// loaded once per process), and calls the hooks of the test file running now.

import { createRequire } from "node:module";
import nock from "nock";
import {
  GitHubApiViolationError,
  checkGitHubResponse,
  checkInterceptedGitHubRequest,
  mediaType,
} from "./github-checks.js";

interface Scope {
  basePath: unknown;
  _defaultReplyHeaders: unknown[];
  on(event: "request", listener: (req: PlayedRequest, interceptor: Interceptor, body: string) => void): void;
  shouldPersist(): boolean;
  pendingMocks(): string[];
}

interface PlayedRequest {
  method: string;
  path: string;
  headers: Record<string, unknown>;
  destroy(error: Error): void;
}

type ReplyFunction = (this: Interceptor, uri: string, body: unknown, callback?: unknown) => unknown;

interface Interceptor {
  scope: Scope;
  req?: PlayedRequest;
  statusCode: number | null;
  body: unknown;
  rawHeaders: unknown[];
  errorMessage?: unknown;
  replyFunction?: ReplyFunction;
  fullReplyFunction?: ReplyFunction;
}

/** What the installed wrap calls; replaced by each test file's setup. */
export interface NockHooks {
  defined(interceptor: Interceptor): void;
  requested(req: PlayedRequest, interceptor: Interceptor, body: string): void;
  replied(interceptor: Interceptor, status: number, body: unknown, headers: unknown): void;
  unmatched(description: string): void;
}

const HOOKS = Symbol.for("patchwright.test.nock-hooks");
const INSTALLED = Symbol.for("patchwright.test.nock-hooks-installed");
type Holder = { [HOOKS]?: NockHooks; [INSTALLED]?: true };

const hooked = new WeakSet<Scope>();

function hooks(): NockHooks | undefined {
  return (globalThis as Holder)[HOOKS];
}

/** The checks the running test file's setup installed. */
export function currentNockChecks(): NockChecks {
  const current = hooks();
  if (!(current instanceof NockChecks)) throw new Error("the nock checks are not installed (see setup.ts)");
  return current;
}

/** Wraps nock (once per process) and points the wrap at this file's checks; returns them. */
export function installNockChecks(): NockChecks {
  const checks = new NockChecks();
  (globalThis as Holder)[HOOKS] = checks;
  const holder = globalThis as Holder;
  if (holder[INSTALLED]) return checks;
  holder[INSTALLED] = true;
  const InterceptorClass = createRequire(import.meta.url)("nock/lib/interceptor.js") as {
    prototype: Record<"reply" | "replyWithError", (this: Interceptor, ...args: unknown[]) => unknown>;
  };
  for (const name of ["reply", "replyWithError"] as const) {
    const original = InterceptorClass.prototype[name];
    InterceptorClass.prototype[name] = function (this: Interceptor, ...args: unknown[]) {
      const result = original.apply(this, args);
      if (this.replyFunction) this.replyFunction = watchReply(this.replyFunction, false);
      if (this.fullReplyFunction) this.fullReplyFunction = watchReply(this.fullReplyFunction, true);
      if (!hooked.has(this.scope)) {
        hooked.add(this.scope);
        this.scope.on("request", (req, interceptor, body) => hooks()?.requested(req, interceptor, body));
      }
      hooks()?.defined(this);
      return result;
    };
  }
  nock.emitter.on("no match", (req: unknown) => hooks()?.unmatched(describeUnmatched(req)));
  return checks;
}

/** A reply function that tells the hooks what it answered; keeps the arity nock reads (3: callback). */
function watchReply(fn: ReplyFunction, full: boolean): ReplyFunction {
  const report = (interceptor: Interceptor, result: unknown) => {
    if (full && Array.isArray(result)) hooks()?.replied(interceptor, Number(result[0]), result[1], result[2]);
    else if (!full) hooks()?.replied(interceptor, interceptor.statusCode ?? 200, result, undefined);
  };
  if (fn.length === 3) {
    return function (this: Interceptor, uri, body, callback) {
      const done = callback as (error: unknown, result?: unknown) => void;
      return fn.call(this, uri, body, (error: unknown, result?: unknown) => {
        if (!error) report(this, result);
        done(error, result);
      });
    };
  }
  return function (this: Interceptor, uri, body) {
    const result = fn.call(this, uri, body);
    if (result instanceof Promise) return result.then((value: unknown) => (report(this, value), value));
    report(this, result);
    return result;
  };
}

function describeUnmatched(req: unknown): string {
  const r = req as {
    method?: string;
    proto?: string;
    protocol?: string;
    host?: string;
    hostname?: string;
    port?: number | string;
    path?: string;
    options?: { host?: string; proto?: string };
  };
  const proto = r.proto ?? r.protocol?.replace(/:$/, "") ?? r.options?.proto ?? "http";
  const host = r.hostname ?? r.host ?? r.options?.host ?? "?";
  return `${r.method ?? "?"} ${proto}://${host}${r.path ?? ""}`;
}

// Requests to loopback go to a test's own server (tests enable loopback for themselves).
const LOOPBACK = /^\S+ [a-z]+:\/\/(127\.0\.0\.1|localhost|\[?::1\]?)[:/]/;

export class NockChecks implements NockHooks {
  private readonly scopes = new Set<Scope>();
  private readonly unmatchedRequests: string[] = [];

  defined(interceptor: Interceptor): void {
    this.scopes.add(interceptor.scope);
  }

  requested(req: PlayedRequest, interceptor: Interceptor, body: string): void {
    const url = requestUrl(interceptor, req);
    if (!url) return;
    const violation = checkInterceptedGitHubRequest({
      method: req.method.toUpperCase(),
      url,
      contentType: mediaType(headerValue(req.headers["content-type"])),
      body: body === "" ? undefined : body,
    });
    // The client gets the error, as from `githubFetch`; the stub is not answered.
    if (violation) {
      req.destroy(new GitHubApiViolationError(violation));
      return;
    }
    if (interceptor.errorMessage !== undefined || interceptor.replyFunction || interceptor.fullReplyFunction)
      return;
    this.checkReply(req, interceptor, interceptor.statusCode ?? 200, interceptor.body, undefined);
  }

  replied(interceptor: Interceptor, status: number, body: unknown, headers: unknown): void {
    // nock sets `req` on the interceptor before it calls a reply function.
    if (interceptor.req) this.checkReply(interceptor.req, interceptor, status, body, headers);
  }

  private checkReply(
    req: PlayedRequest,
    interceptor: Interceptor,
    status: number,
    body: unknown,
    headers: unknown,
  ): void {
    const url = requestUrl(interceptor, req);
    if (!url) return;
    const text = bodyText(body);
    if (text === null) return; // a stream: not read here
    const contentType =
      mediaType(headerIn(headers, "content-type")) ??
      mediaType(headerIn(interceptor.rawHeaders, "content-type")) ??
      mediaType(headerIn(interceptor.scope._defaultReplyHeaders, "content-type"));
    checkGitHubResponse({
      method: req.method.toUpperCase(),
      url,
      status,
      contentType,
      body: text,
      accept: headerValue(req.headers["accept"]),
    });
  }

  unmatched(description: string): void {
    if (!LOOPBACK.test(description)) this.unmatchedRequests.push(description);
  }

  /**
   * Throws, naming them, if a request matched no interceptor or an interceptor of a scope not
   * `.persist()`ed was left unused; clears every interceptor either way, so the next test starts clean.
   */
  assertAllUsedAndCleanUp(): void {
    const pending = [...this.scopes].filter((s) => !s.shouldPersist()).flatMap((s) => s.pendingMocks());
    const unmatched = this.unmatchedRequests.splice(0);
    this.scopes.clear();
    nock.cleanAll();
    const problems = [
      ...unmatched.map((u) => `request matched no nock interceptor: ${u}`),
      ...pending.map((p) => `nock interceptor not used: ${p}`),
    ];
    if (problems.length > 0) throw new Error(problems.join("\n"));
  }
}

function requestUrl(interceptor: Interceptor, req: PlayedRequest): URL | undefined {
  const base = interceptor.scope.basePath;
  return typeof base === "string" && URL.canParse(req.path, base) ? new URL(req.path, base) : undefined;
}

function headerValue(value: unknown): string | undefined {
  if (Array.isArray(value)) return headerValue(value[0]);
  return typeof value === "string" ? value : undefined;
}

/** A header from raw `[name, value, ...]` pairs or an object, case-insensitively. */
function headerIn(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === name) return headerValue(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof headers === "object" && headers !== null) {
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() === name) return headerValue(value);
    }
  }
  return undefined;
}

/** The body a stub answers with, as text (nock sends objects as JSON); null for a stream. */
function bodyText(body: unknown): string | undefined | null {
  if (body === undefined || body === null || body === "") return undefined;
  if (typeof body === "string") return body;
  if (Buffer.isBuffer(body)) return body.toString("utf8");
  if (typeof (body as { pipe?: unknown }).pipe === "function") return null;
  return JSON.stringify(body);
}
