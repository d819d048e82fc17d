import { ProbotOctokit, type Probot } from "probot";
import { describe, expect, it } from "vitest";
import { createPatchwrightApp } from "../../src/app/app.js";
import type { Outcome } from "../../src/runs/front-door/types.js";
import { appInfo, issueComment, permissionOf, reaction } from "../helpers/github-answers.js";
import {
  githubApi,
  githubFetch,
  mockInstallationToken,
  testProbot,
  type TestOctokitOptions,
} from "../helpers/github-api.js";
import { memoryQueue, recordingQueue } from "../helpers/recording-queue.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const REPO = "/repos/Codertocat/Hello-World";

/**
 * Octokit's throttling with limiter groups that schedule at once and record the key each request was
 * paced under (the key is what GitHub's secondary limits are counted against: one per installation).
 */
function recordingThrottle(): { keys: { key: string; method: string; url: string }[]; throttle: object } {
  const keys: { key: string; method: string; url: string }[] = [];
  const now = {
    key: () => ({ schedule: (_options: object, job: () => unknown) => job() }),
  };
  const recording = {
    key: (key: string) => ({
      schedule: (
        _options: object,
        request: (o: object) => unknown,
        options: { method: string; url: string },
      ) => {
        keys.push({ key, method: options.method, url: options.url });
        return request(options);
      },
    }),
  };
  return {
    keys,
    throttle: {
      enabled: true,
      global: recording,
      auth: recording,
      write: now,
      notifications: now,
      search: now,
    },
  };
}

describe("the App's GitHub writes", () => {
  it("paces a delivery's writes under its installation, as its runs are, not under one key for every installation", async () => {
    const { keys, throttle } = recordingThrottle();
    const outcomes: Outcome[] = [];
    const app = createPatchwrightApp({
      guardCheck: false,
      newRunId: () => "run-1",
      onOutcome: (_e, o) => outcomes.push(o),
      runQueue: () => recordingQueue(),
      queue: memoryQueue(),
    });
    const probot: Probot = await testProbot(app.appFn, {
      Octokit: ProbotOctokit.defaults((instance: TestOctokitOptions) => ({
        ...instance,
        request: { ...(instance.request as object | undefined), fetch: githubFetch, retries: 0 },
        retry: { enabled: false },
        throttle: { ...(instance.throttle as object | undefined), ...throttle },
      })),
    });
    githubApi()
      .get("/app")
      .reply(200, appInfo("patchwright", { id: 1 }));
    mockInstallationToken();
    githubApi()
      .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
      .times(2)
      .reply(404, { message: "Not Found" })
      .get(/\/collaborators\/[^/]+\/permission$/)
      .reply(200, permissionOf("Codertocat", "write"))
      .get(`${REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [])
      .post(/\/issues\/comments\/\d+\/reactions$/)
      .reply(201, reaction("eyes", { id: 1 }))
      .post(`${REPO}/issues/1/comments`)
      .reply(201, issueComment(900));

    const payload: Record<string, unknown> = {
      ...webhookExample("issue_comment", (p) => p["action"] === "created"),
      installation: { id: 42, node_id: "x" },
    };
    (payload["comment"] as { body: string }).body = "@patchwright fix the off-by-one in pagination";
    (payload["issue"] as { pull_request?: unknown }).pull_request = undefined;
    await probot.receive({ id: "d-1", name: "issue_comment", payload } as Parameters<Probot["receive"]>[0]);
    await app.idle();

    expect(outcomes.map((o) => o.status)).toEqual(["queued"]);
    const repoCalls = keys.filter((k) => k.url.startsWith("/repos/"));
    expect(repoCalls.map((k) => `${k.method} ${k.url}`)).toEqual(
      expect.arrayContaining([
        "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      ]),
    );
    // Under one key for all ("no-id"), every installation's acknowledgements shared one pace: a new
    // comment every 3 s for the whole App.
    expect(new Set(repoCalls.map((k) => k.key))).toEqual(new Set(["42"]));
  });
});
