import { createRequire } from "node:module";
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
type Payload = Record<string, unknown>;
type Editable = Record<string, unknown>;
const at = (p: Payload, key: string): Editable => p[key] as Editable;
import { createPatchwrightApp } from "../../src/app/app.js";
import type { Outcome } from "../../src/runs/front-door/types.js";
import { appInfo, configFile, issueComment, permissionOf, reaction } from "../helpers/github-answers.js";
import { githubApi, graphqlReply, testProbot } from "../helpers/github-api.js";
import { githubExample } from "../helpers/github-examples.js";
import { memoryQueue, recordingQueue } from "../helpers/recording-queue.js";

interface ExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}
const sets = createRequire(import.meta.url)(
  "@octokit/webhooks-examples/api.github.com/index.json",
) as ExampleSet[];
const SUBSCRIBED = [
  "issue_comment",
  "issues",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  // The failing-CI fixer's, off by default: every example is ignored.
  "workflow_run",
  "check_suite",
];
const MENTION = "@patchwright why does the parser drop quoted lines?";

/**
 * Puts a mention where a person would write one, and gives each example its own ids (the examples share
 * them, and one comment must only ever start one run); returns whether the event should request a run.
 */
function prepare(name: string, p: Payload, i: number): boolean {
  const key = `${name}.${String(p["action"])}`;
  switch (key) {
    case "issue_comment.created":
    case "pull_request_review_comment.created":
      Object.assign(at(p, "comment"), { body: MENTION, id: 1000 + i });
      return true;
    case "pull_request_review.submitted":
      Object.assign(at(p, "review"), { body: MENTION, id: 1000 + i });
      return true;
    case "issues.opened":
      Object.assign(at(p, "issue"), { body: MENTION, number: 1000 + i });
      return true;
    case "pull_request.opened":
    case "pull_request.synchronize":
    case "pull_request.ready_for_review":
    case "pull_request.reopened":
      at(at(p, "pull_request"), "head")["sha"] = String(i).padStart(40, "c");
      return at(p, "pull_request")["draft"] !== true;
    default:
      return false;
  }
}

/** GitHub answering whatever the front door may ask, every request still checked against OpenAPI. */
function anyRepository(): void {
  githubApi()
    .persist()
    .get("/app")
    .reply(200, appInfo("patchwright"))
    .post(/\/app\/installations\/\d+\/access_tokens/)
    .reply(201, {
      token: "test-installation-token",
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
    })
    .get(/\/contents\/\.github%2Fpatchwright\.yml/)
    .query(true)
    .reply(200, configFile("review:\n  auto: true\n"))
    .get(/\/collaborators\/[^/]+\/permission$/)
    .reply(200, permissionOf("Codertocat", "write"))
    .get(/\/issues\/\d+\/comments/)
    .query(true)
    .reply(200, [])
    .get(/\/pulls\/\d+$/)
    .reply(200, (uri: string) => pullRequest(Number(uri.split("/").pop())))
    .post(/\/reactions$/)
    .reply(201, reaction())
    .post(/\/issues\/\d+\/comments$/)
    .reply(201, issueComment(1))
    // The thread, read for signs of frustration when a request in words follows earlier comments.
    .post("/graphql")
    .reply(graphqlReply({ repository: { issueOrPullRequest: THREAD } }));
}

const THREAD = {
  __typename: "Issue",
  title: "t",
  body: "",
  createdAt: "2019-05-15T15:20:18Z",
  lastEditedAt: null,
  author: { __typename: "User", login: "Codertocat" },
  comments: { nodes: [] },
};

function pullRequest(number: number): object {
  const repo = { full_name: "Codertocat/Hello-World" };
  const user = { login: "Codertocat", type: "User" };
  return githubExample("GET /repos/{owner}/{repo}/pulls/{pull_number}", 200, {
    number,
    title: "t",
    body: "",
    draft: false,
    user,
    head: { ref: "changes", sha: "a".repeat(40), repo },
    base: { ref: "master", sha: "b".repeat(40), repo },
  });
}

describe("every example payload of the subscribed events", () => {
  for (const name of SUBSCRIBED) {
    const set = sets.find((s) => s.name === name)!;
    it(`${name}: ${set.examples.length} examples, no error, runs where a person asked for one`, async () => {
      anyRepository();
      const outcomes: Outcome[] = [];
      const errors: unknown[] = [];
      const app = createPatchwrightApp({
        guardCheck: false,
        runQueue: () => recordingQueue(),
        queue: memoryQueue(),
        onOutcome: (_e, o) => outcomes.push(o),
        onError: (_e, err) => errors.push(err),
      });
      const probot: Probot = await testProbot(app.appFn);
      const expected: string[] = [];
      for (const [i, example] of set.examples.entries()) {
        const payload = structuredClone(example);
        const wanted = prepare(name, payload, i);
        await probot.receive({ id: `${name}-${i}`, name, payload } as Parameters<Probot["receive"]>[0]);
        await app.idle();
        expected.push(`${String(payload["action"])}: ${wanted ? "queued" : "ignored"}`);
      }
      expect(errors).toEqual([]);
      const actual = outcomes.map((o, i) => `${expected[i]!.split(":")[0]}: ${o.status}`);
      expect(actual).toEqual(expected);
    });
  }
});
