import type { RepoConfig } from "../../config/schema.js";
import { updateIssueBody } from "../../github/dashboard-issue.js";
import { guardKeepingMarkers } from "../../github/guarded-comments.js";
import type { RepoRef } from "../../github/octokit-like.js";
import { newlyTicked, readDashboardState, untickAll } from "../../maintenance/dashboard.js";
import type { Candidate } from "../../request/classify-event.js";
import { isBot, sameLogin } from "../../request/permissions.js";
import type { RunRequest } from "../../request/run-request.js";
import { authorized } from "./authorize.js";
import { dashboardTasks, findDashboard } from "../maintenance-dashboard.js";
import { queueMaintenance } from "./maintenance-requests.js";
import type { FrontDoorDeps, Outcome, WebhookEvent } from "./types.js";

type Edited = Extract<Candidate, { type: "edited" }>;

/** Whether an edit could be a "run now" tick, from the payload alone: most issue edits are not. */
export function mayTickRunNow(c: Edited): boolean {
  return readDashboardState(c.issue.body) !== undefined && newlyTicked(c.issue.body, c.before).length > 0;
}

/**
 * A "run now" box ticked on our dashboard issue by someone allowed to trigger runs: each newly ticked
 * task starts now, as a `workflow_dispatch` naming it would, and the boxes are unticked once queued.
 * Edits by bots, by people without access, or of issues we did not open start nothing.
 */
export async function runNow(
  c: Edited,
  event: WebhookEvent,
  config: RepoConfig,
  deps: FrontDoorDeps,
  repository: RunRequest["repository"],
): Promise<Outcome> {
  const repo: RepoRef = { owner: repository.owner, repo: repository.name };
  if (!config.maintenance.dashboard) return { status: "ignored", reason: "maintenance.dashboard is off" };
  if (!sameLogin(c.issue.user.login, deps.botLogin) || !mayTickRunNow(c))
    return { status: "ignored", reason: "not a run-now tick on the maintenance dashboard" };
  if (isBot(c.author)) return { status: "ignored", reason: `bot ${c.author.login} may not start tasks` };
  const names = new Set(dashboardTasks(config).map((t) => t.name));
  const ticked = newlyTicked(c.issue.body, c.before).filter((n) => names.has(n));
  if (ticked.length === 0) return { status: "ignored", reason: "the ticked task is not in the config" };
  if (!(await authorized(deps, repo, c.author.login, config)))
    return { status: "ignored", reason: `${c.author.login} may not start maintenance tasks` };
  const requests: RunRequest[] = [];
  for (const task of ticked) {
    const outcome = await queueMaintenance(
      { ...c, type: "dispatch", event: "workflow_dispatch", prompt: "", task },
      event,
      config,
      deps,
      repository,
    );
    if (outcome.status === "scheduled") requests.push(...outcome.requests);
  }
  // The body as it is now, not as the event saw it: a run may have written newer records since.
  const current = await findDashboard(deps.octokit, repo, deps.botLogin);
  const body = current?.issue.number === c.issue.number ? (current.issue.body ?? "") : c.issue.body;
  await updateIssueBody(
    deps.octokit,
    repo,
    c.issue.number,
    guardKeepingMarkers(untickAll(body), config.guard),
  );
  if (requests.length === 0) return { status: "ignored", reason: "the ticked tasks were already started" };
  return { status: "scheduled", requests };
}
