import type nock from "nock";
import { describe, expect, it } from "vitest";
import { reconcileDeliveries, type ReconcileLog } from "../../src/runs/reconcile-deliveries.js";
import { githubApi, testAppPrivateKey, testOctokit } from "../helpers/github-api.js";
import { githubError, githubExample } from "../helpers/github-examples.js";

const NOW = new Date("2025-06-10T12:00:00Z");
const HOUR = 3_600_000;
const LIST = "/app/hook/deliveries";
const LIST_OP = "GET /app/hook/deliveries";
// A JWT (three dot-separated parts): the deliveries endpoints are the App's, not an installation's.
const APP_JWT = /^bearer [\w-]+\.[\w-]+\.[\w-]+$/i;

interface Attempt {
  id: number;
  guid: string;
  hoursAgo: number;
  statusCode: number;
}

/** One attempt as GitHub lists it (its example item), delivered `hoursAgo` before NOW. */
function attempt(id: number, guid: string, hoursAgo: number, statusCode: number): Attempt {
  return { id, guid, hoursAgo, statusCode };
}

/** A page of GET /app/hook/deliveries from GitHub's example, one item per attempt, in the order given. */
function page(attempts: Attempt[]) {
  return githubExample(
    LIST_OP,
    200,
    attempts.map((a) => ({
      id: a.id,
      guid: a.guid,
      delivered_at: new Date(NOW.getTime() - a.hoursAgo * HOUR).toISOString().replace(/\.000Z$/, "Z"),
      redelivery: false,
      status: a.statusCode >= 200 && a.statusCode < 300 ? "OK" : `Invalid HTTP Response: ${a.statusCode}`,
      status_code: a.statusCode,
    })),
  );
}

/** GitHub's `link` to the next page of deliveries: a cursor, never a page number. */
function nextCursor(cursor: string): { link: string } {
  return { link: `<https://api.github.com${LIST}?per_page=100&cursor=${cursor}>; rel="next"` };
}

/** Stubs the listing: page 1, then one page per further cursor, each linking to the next but the last. */
function stubListing(scope: nock.Scope, pages: Attempt[][], cursors: string[] = []): nock.Scope {
  pages.forEach((attempts, i) => {
    const cursor = cursors[i - 1];
    const next = cursors[i];
    scope
      .get(LIST)
      .matchHeader("authorization", APP_JWT)
      .query(cursor === undefined ? { per_page: 100 } : { per_page: 100, cursor })
      .reply(200, page(attempts), next === undefined ? {} : nextCursor(next));
  });
  return scope;
}

/** Stubs one redelivery of attempt `id`, answered with `status` (202: GitHub accepted it). */
function stubRedelivery(scope: nock.Scope, id: number, status = 202): nock.Scope {
  const body =
    status === 202
      ? {} // GitHub's 202 is an empty object (its example value is null)
      : status === 422
        ? githubError(422, "Validation Failed")
        : githubError(status, "Server Error");
  return scope.post(`${LIST}/${id}/attempts`).matchHeader("authorization", APP_JWT).reply(status, body);
}

/** An Octokit authenticated as the App (id 1): it signs a JWT for the /app endpoints. */
function appOctokit() {
  return testOctokit({ auth: { appId: 1, privateKey: testAppPrivateKey() } });
}

interface Line {
  level: "info" | "warn";
  message: string;
  fields?: Record<string, unknown>;
}

function recordingLog(): ReconcileLog & { lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: "info", message, ...(fields && { fields }) }),
    warn: (message, fields) => lines.push({ level: "warn", message, ...(fields && { fields }) }),
  };
}

async function reconcile(options: { maxRedeliveries?: number; maxPages?: number } = {}) {
  const log = recordingLog();
  const result = await reconcileDeliveries({ octokit: appOctokit(), now: () => NOW, log, ...options });
  return { result, log: log.lines };
}

describe("reconcileDeliveries", () => {
  it("does nothing when every delivery succeeded", async () => {
    stubListing(githubApi(), [[attempt(3, "c", 1, 200), attempt(2, "b", 2, 202), attempt(1, "a", 3, 200)]]);
    const { result, log } = await reconcile();
    expect(result).toEqual({ examined: 3, failed: 0, redelivered: 0, skipped: 0, refused: 0, errors: 0 });
    expect(log).toEqual([]);
  });

  it("skips a failure that a redelivery already delivered", async () => {
    // Newest first: the redelivery (id 2) succeeded after the original (id 1) failed.
    stubListing(githubApi(), [[attempt(2, "a", 1, 200), attempt(1, "a", 5, 502)]]);
    const { result } = await reconcile();
    expect(result).toEqual({ examined: 2, failed: 0, redelivered: 0, skipped: 1, refused: 0, errors: 0 });
  });

  it("leaves alone an event the App refused on purpose (401, 400), and retries one it answered 429 or 408", async () => {
    const scope = stubListing(githubApi(), [
      [
        attempt(40, "forged", 0.2, 401),
        attempt(30, "not-json", 0.4, 400),
        attempt(20, "busy", 0.6, 429),
        attempt(10, "slow", 0.8, 408),
      ],
    ]);
    stubRedelivery(scope, 20);
    stubRedelivery(scope, 10);
    const { result } = await reconcile();
    expect(result).toEqual({ examined: 4, failed: 2, redelivered: 2, skipped: 0, refused: 2, errors: 0 });
  });

  it("redelivers once, by its newest attempt, an event whose redelivery failed too", async () => {
    const scope = stubListing(githubApi(), [
      [attempt(30, "b", 0.5, 200), attempt(20, "a", 1, 503), attempt(10, "a", 5, 502)],
    ]);
    stubRedelivery(scope, 20);
    const { result, log } = await reconcile();
    expect(result).toEqual({ examined: 3, failed: 1, redelivered: 1, skipped: 0, refused: 0, errors: 0 });
    expect(log).toEqual([
      {
        level: "info",
        message: "asked GitHub to redeliver a webhook delivery that failed",
        fields: {
          guid: "a",
          delivery: 20,
          event: "issues",
          action: "opened",
          status: "Invalid HTTP Response: 503",
        },
      },
    ]);
  });

  it("stops paging at deliveries older than 3 days, and leaves them alone", async () => {
    // A next page is linked, but the first page already reaches past 3 days: it is never asked for
    // (the setup fails a request no interceptor matches).
    const scope = stubListing(githubApi(), [[attempt(2, "new", 1, 500), attempt(1, "old", 73, 500)]], ["c2"]);
    stubRedelivery(scope, 2);
    const { result } = await reconcile();
    expect(result).toEqual({ examined: 1, failed: 1, redelivered: 1, skipped: 0, refused: 0, errors: 0 });
  });

  it("redelivers at most maxRedeliveries, newest event first, and says how many wait", async () => {
    const failed = [1, 2, 3, 4, 5].map((n) => attempt(n, `g${n}`, 10 - n, 500));
    const scope = stubListing(githubApi(), [failed.toReversed()]);
    stubRedelivery(scope, 5);
    stubRedelivery(scope, 4);
    const { result, log } = await reconcile({ maxRedeliveries: 2 });
    expect(result).toEqual({ examined: 5, failed: 5, redelivered: 2, skipped: 0, refused: 0, errors: 0 });
    expect(log.map((l) => l.fields?.["delivery"] ?? l.message)).toEqual([
      5,
      4,
      "3 failed webhook deliveries wait for the next reconciliation: it redelivers at most 2 at a time",
    ]);
  });

  it("counts a redelivery GitHub refuses (422) or fails (500), logs it, and goes on", async () => {
    const scope = stubListing(githubApi(), [
      [attempt(3, "c", 1, 500), attempt(2, "b", 2, 500), attempt(1, "a", 3, 500)],
    ]);
    stubRedelivery(scope, 3, 422);
    stubRedelivery(scope, 2, 500);
    stubRedelivery(scope, 1);
    const { result, log } = await reconcile();
    expect(result).toEqual({ examined: 3, failed: 3, redelivered: 1, skipped: 0, refused: 0, errors: 2 });
    const warnings = log.filter((l) => l.level === "warn");
    expect(warnings.map((w) => [w.message, w.fields?.["delivery"], w.fields?.["error"]])).toEqual([
      ["could not redeliver a failed webhook delivery", 3, expect.stringMatching(/^GitHub answered 422: /)],
      ["could not redeliver a failed webhook delivery", 2, expect.stringMatching(/^GitHub answered 500: /)],
    ]);
  });

  it("follows the cursor to the next page and groups an event's attempts across pages", async () => {
    const scope = stubListing(
      githubApi(),
      [
        [attempt(40, "a", 1, 200), attempt(30, "c", 2, 502)],
        [attempt(20, "b", 20, 502), attempt(10, "a", 30, 502)],
      ],
      ["MTIzNDU2Nzg5"],
    );
    // "a" failed on page 2 and was delivered on page 1; "c" and "b" never were.
    stubRedelivery(scope, 30);
    stubRedelivery(scope, 20);
    const { result } = await reconcile();
    expect(result).toEqual({ examined: 4, failed: 2, redelivered: 2, skipped: 1, refused: 0, errors: 0 });
  });

  it("reads at most maxPages pages, says so, and reconciles what it read", async () => {
    const scope = stubListing(githubApi(), [[attempt(2, "b", 1, 500)]], ["next"]);
    stubRedelivery(scope, 2);
    const { result, log } = await reconcile({ maxPages: 1 });
    expect(result).toEqual({ examined: 1, failed: 1, redelivered: 1, skipped: 0, refused: 0, errors: 0 });
    expect(log.filter((l) => l.level === "warn").map((l) => l.message)).toEqual([
      "more webhook deliveries came in the last 3 days than the 1 pages a reconciliation reads; it looked at the newest 1",
    ]);
  });

  it("returns what it did when the listing fails part way, in one warning, never throwing", async () => {
    const scope = stubListing(githubApi(), [[attempt(2, "b", 1, 500)]], ["next"]);
    scope.get(LIST).query({ per_page: 100, cursor: "next" }).reply(500, githubError(500, "Server Error"));
    stubRedelivery(scope, 2);
    const { result, log } = await reconcile();
    expect(result).toEqual({ examined: 1, failed: 1, redelivered: 1, skipped: 0, refused: 0, errors: 1 });
    expect(log.filter((l) => l.level === "warn")).toEqual([
      {
        level: "warn",
        message:
          "could not list the App's webhook deliveries; those read before are reconciled, the rest wait " +
          "for the next reconciliation",
        fields: { error: expect.stringMatching(/^GitHub answered 500: Server Error/) },
      },
    ]);
  });

  it("returns nothing done when GitHub refuses the App's listing", async () => {
    githubApi().get(LIST).query({ per_page: 100 }).reply(401, githubError(401, "Bad credentials"));
    const { result, log } = await reconcile();
    expect(result).toEqual({ examined: 0, failed: 0, redelivered: 0, skipped: 0, refused: 0, errors: 1 });
    expect(log).toHaveLength(1);
  });
});
