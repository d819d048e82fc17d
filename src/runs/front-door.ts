import type { RepoRef } from "../github/octokit-like.js";
import { createComment } from "../github/guarded-comments.js";
import { isFromFork } from "../github/pulls.js";
import { classifyEvent, commentTriggerKey, type Classified } from "../request/classify-event.js";
import { Repository } from "../request/payloads.js";
import { isBot, sameLogin } from "../request/permissions.js";
import { formatConfigError } from "../config/parse-repo-config.js";
import { RepoConfig } from "../config/schema.js";
import { sayOnDashboard } from "./maintenance-dashboard.js";
import { acknowledge } from "./front-door/acknowledge.js";
import { buildRunRequest } from "./front-door/build-run-request.js";
import { changeCourse } from "./front-door/change-course.js";
import { handleCiResult } from "./front-door/ci-fix-requests.js";
import { configFor } from "./front-door/repo-config.js";
import { queueMaintenance } from "./front-door/maintenance-requests.js";
import { resolveRequest } from "./front-door/resolve-request.js";
import { mayTickRunNow, runNow } from "./front-door/run-now.js";
import type { FrontDoorDeps, Outcome, Resolved, WebhookEvent } from "./front-door/types.js";

/**
 * What can be told from the payload alone, with no API call: most events request nothing. A surface
 * calls this before queueing an event, so they never wait behind the ones that do work.
 */
export function screenEvent(event: WebhookEvent): Outcome | undefined {
  return screen(classifyEvent(event.name, event.payload));
}

function screen(c: Classified): Extract<Outcome, { status: "ignored" }> | undefined {
  if (c.type === "ignored") return { status: "ignored", reason: c.reason };
  if (c.type === "mention" && !c.body.includes("@")) return { status: "ignored", reason: "no mention" };
  if (c.type === "edited" && !mayTickRunNow(c)) return { status: "ignored", reason: "no run-now box ticked" };
  return undefined;
}

/**
 * The trigger key of a mention, from the payload alone, so the surface can claim it before answering
 * GitHub; undefined for other events, whose keys are claimed when they are handled.
 */
export function mentionTriggerKey(event: WebhookEvent): string | undefined {
  const c = classifyEvent(event.name, event.payload);
  return c.type === "mention" ? commentTriggerKey(c.comment) : undefined;
}

/**
 * From "GitHub sent an event" to "a run is requested", in stages: screen the payload, drop our own
 * events, load the config, let bots through only when allowed, resolve what is asked (authorising the
 * person, answering commands), change course when the thread shows frustration, refuse changes to forks,
 * acknowledge once, and queue one RunRequest.
 */
export async function handleEvent(event: WebhookEvent, deps: FrontDoorDeps): Promise<Outcome> {
  const classified = classifyEvent(event.name, event.payload);
  const c: Classified = deps.prompt ? asPromptRun(event, classified, deps.prompt) : classified;
  if (c.type === "ignored") return { status: "ignored", reason: c.reason };
  const screened = screen(c);
  if (screened) return screened;
  const repository = c.repository
    ? {
        owner: c.repository.owner.login,
        name: c.repository.name,
        defaultBranch: c.repository.default_branch ?? "main",
        private: c.repository.private ?? false,
      }
    : deps.fallbackRepository && { ...deps.fallbackRepository, private: true };
  if (!repository) return { status: "ignored", reason: "the event names no repository" };
  const repo: RepoRef = { owner: repository.owner, repo: repository.name };

  // Never react to ourselves, before any API call.
  if (c.sender && sameLogin(c.sender.login, deps.botLogin))
    return { status: "ignored", reason: "our own event" };
  if (c.type !== "dispatch" && c.type !== "ci" && sameLogin(c.author.login, deps.botLogin)) {
    return { status: "ignored", reason: "our own comment" };
  }

  const loaded = await configFor(c, deps, repo, repository.defaultBranch);
  if (!loaded.ok) {
    if (c.type === "dispatch" && !c.prompt) await configErrorOnDashboard(loaded.outcome, deps, repo);
    return loaded.outcome;
  }
  const { config } = loaded;
  if (c.type === "ci") return handleCiResult(c, event, config, deps, repository);

  if (c.type !== "dispatch" && c.type !== "edited" && isBot(c.author)) {
    const allowed = config.permissions.allowedBots.some((b) => sameLogin(b, c.author.login));
    if (!allowed)
      return { status: "ignored", reason: `bot ${c.author.login} is not in permissions.allowedBots` };
  }

  if (c.type === "edited") return runNow(c, event, config, deps, repository);
  if (c.type === "dispatch" && !c.prompt) return queueMaintenance(c, event, config, deps, repository);
  const asked = await resolveRequest(c, config, deps, repo, event.id);
  if (asked.status !== "request") return asked;
  const resolved = await changeCourse(c, asked, config, deps, repo);
  if (resolved.status !== "request") return resolved;
  const refused = await refuseForkChange(resolved, config, deps, repo);
  if (refused) return refused;

  const runId = deps.newRunId(event.id);
  const { key } = resolved;
  // Recorded before the tracking comment is posted, so the comment can link to the run's page.
  const page = deps.runLog?.queued(
    {
      id: runId,
      kind: resolved.kind,
      repository,
      thread: resolved.thread,
      author: resolved.author,
      instruction: resolved.instruction,
    },
    config.guard,
  );
  let ack;
  try {
    ack = await acknowledge(c, page ? { ...deps, followUrl: page } : deps, repo, config, {
      thread: resolved.thread,
      key,
      delivery: event.id,
      marker: { run: runId, trigger: key },
      note: resolved.courseChange?.acknowledgement,
    });
  } catch (err) {
    deps.runLog?.discard(runId);
    throw err;
  }
  if (ack.duplicate) {
    deps.runLog?.discard(runId);
    return { status: "duplicate", key };
  }

  const request = buildRunRequest({
    id: runId,
    event,
    candidate: c,
    resolved,
    repository,
    config,
    trackingCommentId: ack.trackingCommentId,
    requestedAt: deps.now().toISOString(),
  });
  await deps.queue.add(request);
  deps.log.info("run queued", { run: runId, kind: request.kind, trigger: key });
  return { status: "queued", request };
}

/**
 * Runs that push need a branch we may push to, never a fork's: the change comes back as a patch when
 * the config asks for one (`pullRequests.forks: patch`), otherwise the person is told why not.
 */
async function refuseForkChange(
  r: Extract<Resolved, { status: "request" }>,
  config: RepoConfig,
  deps: FrontDoorDeps,
  repo: RepoRef,
): Promise<Outcome | undefined> {
  const { thread, pr } = r;
  if (!thread?.isPullRequest || !pr || !isFromFork(pr)) return undefined;
  if (r.kind !== "implement" || config.pullRequests.forks !== "explain") return undefined;
  await createComment(
    deps.octokit,
    repo,
    thread.number,
    `@${r.author} patchwright cannot push to a pull request from a fork, so it will not make changes here. ` +
      `Ask for a review (\`${config.trigger.phrase} /review\`) or a plan instead, or open the change from a branch of this repository.`,
    config.guard,
  );
  return { status: "replied", reason: "fork" };
}

/** A scheduled tick that found the config broken: an existing dashboard names the field; nothing runs. */
async function configErrorOnDashboard(outcome: Outcome, deps: FrontDoorDeps, repo: RepoRef): Promise<void> {
  if (outcome.status !== "ignored" || !outcome.configError) return;
  const sentence = `${formatConfigError(outcome.configError)} Fix the file on the default branch.`;
  try {
    await sayOnDashboard(deps.octokit, repo, deps.botLogin, RepoConfig.parse({}).guard, sentence);
  } catch (err) {
    deps.log.warn("could not name the config error on the maintenance dashboard", {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

/** A workflow with a `prompt` runs it whatever the event; the event still names the repository. */
function asPromptRun(event: WebhookEvent, classified: Classified, prompt: string): Classified {
  const repository = classified.type === "ignored" ? undefined : classified.repository;
  const sender = classified.type === "ignored" ? undefined : classified.sender;
  const fromPayload = (event.payload as { repository?: unknown } | null)?.repository;
  const parsedRepository = repository ?? Repository.safeParse(fromPayload).data;
  return {
    type: "dispatch",
    event: "workflow_dispatch",
    prompt,
    repository: parsedRepository,
    installationId: undefined,
    sender,
  };
}
