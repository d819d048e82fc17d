// What the Action's tests share: inputs left at their defaults, and GitHub's answers to the front door
// of a mention on issue 1 (config, the commenter's permission, the thread's comments, the reaction, the
// tracking comment).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type nock from "nock";
import type { AgentInputs } from "../../src/action/agent-run.js";
import { githubApi, testOctokit } from "./github-api.js";
import { configFile, issueComment, permissionOf, reaction } from "./github-answers.js";
import { API_REPO, testModel, type World } from "./run-world.js";
import { git, tempDir } from "./temp-repo.js";

export const NO_INPUTS: AgentInputs = { forbidden_terms: [] };

export function mentionOnIssue(
  trackingId: number,
  config?: string,
  onTracking?: (body: string) => void,
): nock.Scope {
  const scope = githubApi();
  const withConfig =
    config === undefined
      ? scope
          .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
          .query(true)
          .times(2)
          .reply(404, {})
      : scope
          .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
          .query(true)
          .reply(200, configFile(config));
  return withConfig
    .get(/\/collaborators\/Codertocat\/permission$/)
    .reply(200, permissionOf("Codertocat", "admin"))
    .get(`${API_REPO}/issues/1/comments`)
    .query(true)
    .reply(200, [])
    .post(/\/issues\/comments\/\d+\/reactions$/)
    .reply(201, reaction())
    .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => (onTracking?.(b.body), true))
    .reply(201, issueComment(trackingId));
}

/**
 * The Action's run context for an event on Codertocat/Hello-World as a workflow job sees it: the event
 * written where GITHUB_EVENT_PATH points, the job's checkout (a clone of `world`'s remote, else an empty
 * folder), the workflow token, a fixed clock and run id, the model stubbed at HTTP.
 */
export function actionContext(o: {
  eventName: string;
  payload: unknown;
  world?: World | undefined;
  token: string;
  runId: string;
  now: string;
}) {
  const eventPath = join(tempDir(), "event.json");
  writeFileSync(eventPath, JSON.stringify(o.payload));
  const workspace = tempDir("pw-checkout-");
  if (o.world) git(workspace, ["clone", "-q", o.world.remote, "."]);
  return {
    eventName: o.eventName,
    eventPath,
    env: {
      GITHUB_REPOSITORY: "Codertocat/Hello-World",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RUN_ID: "88",
      GITHUB_REF_NAME: "master",
      PATH: process.env["PATH"] ?? "",
    },
    octokit: testOctokit(),
    token: o.token,
    model: testModel(),
    workspace,
    ...(o.world ? { gitUrl: o.world.gitUrl("Codertocat", "Hello-World") } : {}),
    botLogin: "github-actions[bot]",
    newRunId: () => o.runId,
    now: () => new Date(o.now),
    log: { info: () => undefined, warn: () => undefined },
  };
}
