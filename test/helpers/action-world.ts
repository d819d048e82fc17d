// What the Action's tests share: inputs left at their defaults, and GitHub's answers to the front door
// of a mention on issue 1 (config, the commenter's permission, the thread's comments, the reaction, the
// tracking comment).
import type nock from "nock";
import type { AgentInputs } from "../../src/action/agent-run.js";
import { githubApi } from "./github-api.js";
import { configFile, issueComment, permissionOf, reaction } from "./github-answers.js";
import { API_REPO } from "./run-world.js";

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
