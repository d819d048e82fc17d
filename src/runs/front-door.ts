import { formatConfigError, type ConfigError } from "../config/parse-repo-config.js";
import { loadRepoConfig } from "../config/load-repo-config.js";
import { RepoConfig } from "../config/schema.js";
import { createComment } from "../github/guarded-comments.js";
import { ourMarkedComments } from "../github/marked-comments.js";
import { getCollaboratorPermission } from "../github/permissions.js";
import { getRepoFile } from "../github/repo-file.js";
import { postFinishedCheck } from "../github/check-runs.js";
import type { OctokitLike, RepoRef } from "../github/octokit-like.js";
import { getPullRequest, isFromFork } from "../github/pulls.js";
import { reactEyes } from "../github/reactions.js";
import { classifyEvent, type Candidate, type Classified } from "../request/classify-event.js";
import { findMention } from "../request/find-mention.js";
import { parseIntent } from "../request/parse-intent.js";
import { Repository, type PullRequest } from "../request/payloads.js";
import { atLeast, isBot, sameLogin } from "../request/permissions.js";
import type { IntentRouter } from "../request/route-intent.js";
import type { RunKind, RunRequest } from "../request/run-request.js";
import { sanitizeUserText } from "../request/sanitize-text.js";
import { setReviewPaused } from "../review/pause.js";
import { readMarker, type RunMarker } from "./marker.js";
import { helpBody, trackingBody } from "./messages.js";
import { threadKey, type RunQueue } from "./run-queue.js";

export interface WebhookEvent {
  /** The delivery id (X-GitHub-Delivery), or the Actions run id. */
  id: string;
  name: string;
  payload: unknown;
}

export interface FrontDoorLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface FrontDoorDeps {
  octokit: OctokitLike;
  queue: RunQueue;
  /** The login the App or the Action's token acts as: its own events are never triggers. */
  botLogin: string;
  router: IntentRouter;
  newRunId: () => string;
  now: () => Date;
  log: FrontDoorLog;
  /** Where a run can be followed (the Actions job); none for the App yet. */
  followUrl?: string;
  /** Filled in when the payload has no repository (a scheduled workflow). */
  fallbackRepository?: { owner: string; name: string; defaultBranch: string };
  /** Triggers already handled by this process: a cheap first check before asking GitHub. */
  seen?: Set<string>;
  /** The Action's `prompt` input: run it on whatever event started the workflow, no mention needed. */
  prompt?: string;
  /** Where the repository's config lives, when not `.github/patchwright.yml` (the Action's config_path). */
  configPath?: string;
  /** Settings given by the surface (the Action's inputs) on top of the repository's config. */
  adjustConfig?: (config: RepoConfig) => RepoConfig;
  /**
   * Say an invalid config on a pull request event as a failed check run on its head (the App, whose
   * `checks: write` allows it). The Action's job is a check already: it fails the job instead.
   */
  configCheckRuns?: boolean;
}

export type Outcome =
  | { status: "ignored"; reason: string; configError?: ConfigError }
  | { status: "replied"; reason: string }
  | { status: "duplicate"; key: string }
  | { status: "queued"; request: RunRequest };

const DEFAULTS = RepoConfig.parse({});
const BUILT_IN_KIND: Partial<Record<string, RunKind>> = {
  review: "review",
  plan: "plan",
  approve: "implement",
};

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
  return undefined;
}

/**
 * From "GitHub sent an event" to "a run is requested": classify, load the config from the default branch,
 * find the mention, check who asked, acknowledge once, and queue one typed RunRequest.
 */
export async function handleEvent(event: WebhookEvent, deps: FrontDoorDeps): Promise<Outcome> {
  const classified = classifyEvent(event.name, event.payload);
  const c: Classified = deps.prompt ? asPromptRun(event, classified, deps.prompt) : classified;
  if (c.type === "ignored") return { status: "ignored", reason: c.reason };
  const screened = screen(c);
  if (screened) return screened;
  const repoInfo = c.repository
    ? {
        owner: c.repository.owner.login,
        name: c.repository.name,
        defaultBranch: c.repository.default_branch ?? "main",
        private: c.repository.private ?? false,
      }
    : deps.fallbackRepository && { ...deps.fallbackRepository, private: true };
  if (!repoInfo) return { status: "ignored", reason: "the event names no repository" };
  const repo: RepoRef = { owner: repoInfo.owner, repo: repoInfo.name };

  // Never react to ourselves, before any API call.
  if (c.sender && sameLogin(c.sender.login, deps.botLogin))
    return { status: "ignored", reason: "our own event" };
  if (c.type !== "dispatch" && sameLogin(c.author.login, deps.botLogin)) {
    return { status: "ignored", reason: "our own comment" };
  }

  // The config comes from the default branch: a pull request's head is written by whoever opened it.
  const loaded = await loadRepoConfig(
    (path) => getRepoFile(deps.octokit, { ...repo, ref: repoInfo.defaultBranch, path }),
    deps.configPath ? [deps.configPath] : undefined,
  );
  if (!loaded.ok) {
    const sentence = formatConfigError(loaded.error);
    const where = `${repo.owner}/${repo.repo}`;
    // The sentence names the file and the field; in the message itself, since not every log shows fields.
    deps.log.warn(`invalid config in ${where}: ${sentence}`, { repository: where, error: sentence });
    // With no readable config, only the default trigger phrase is known to be meant for us.
    if (c.type === "mention" && findMention(c.body, DEFAULTS.trigger.phrase).mentioned) {
      await createComment(deps.octokit, repo, c.thread.number, configErrorBody(sentence), DEFAULTS.guard);
      return { status: "replied", reason: "invalid config" };
    }
    // No one asked, so no one would learn why nothing happens: a pull request shows it as a check.
    if (c.type === "review" && deps.configCheckRuns) await configCheck(deps, repo, c.pullRequest, sentence);
    return { status: "ignored", reason: "invalid config", configError: loaded.error };
  }
  const config = deps.adjustConfig ? deps.adjustConfig(loaded.config) : loaded.config;

  if (c.type !== "dispatch" && isBot(c.author)) {
    const allowed = config.permissions.allowedBots.some((b) => sameLogin(b, c.author.login));
    if (!allowed)
      return { status: "ignored", reason: `bot ${c.author.login} is not in permissions.allowedBots` };
  }

  const request = await toRequest(c, config, deps, repo, event.id);
  if (request.status !== "request") return request;
  const { kind, instruction, command, thread, pr, key, author } = request;
  const authorId = c.type === "dispatch" ? c.sender?.id : c.author.id;

  // Runs that push need a branch we may push to, never a fork's: the change comes back as a patch when
  // the config asks for one (`pullRequests.forks: patch`), otherwise the person is told why not.
  if (
    thread?.isPullRequest &&
    pr &&
    isFromFork(pr) &&
    kind === "implement" &&
    config.pullRequests.forks === "explain"
  ) {
    await createComment(
      deps.octokit,
      repo,
      thread.number,
      `@${author} patchwright cannot push to a pull request from a fork, so it will not make changes here. ` +
        `Ask for a review (\`${config.trigger.phrase} /review\`) or a plan instead, or open the change from a branch of this repository.`,
      config.guard,
    );
    return { status: "replied", reason: "fork" };
  }

  // One trigger, one run: the same delivery or the same comment delivered again finds the first run's marker.
  if (deps.seen?.has(key)) return { status: "duplicate", key };
  deps.seen?.add(key);
  let trackingCommentId: number | undefined;
  const runId = deps.newRunId();
  const marker: RunMarker = { run: runId, trigger: key };
  try {
    // Requests from a person are acknowledged on their thread; automatic reviews speak through their review.
    const acknowledge = thread && (c.type === "mention" || c.type === "assigned" || c.type === "labeled");
    const since =
      c.type === "mention" ? c.comment.createdAt : new Date(deps.now().getTime() - 3_600_000).toISOString();
    if (acknowledge && thread && (await hasTrackingComment(deps, repo, thread.number, key, since))) {
      return { status: "duplicate", key };
    }
    if (acknowledge && thread) {
      if (c.type === "mention") await reactEyes(deps.octokit, repo, c.comment);
      const posted = await createComment(
        deps.octokit,
        repo,
        thread.number,
        trackingBody(marker, deps.followUrl),
        config.guard,
      );
      trackingCommentId = posted.id;
    }
  } catch (err) {
    // Not acknowledged: a redelivery must be able to try again.
    deps.seen?.delete(key);
    throw err;
  }

  const runRequest: RunRequest = {
    id: runId,
    kind,
    repository: repoInfo,
    ...(c.installationId !== undefined ? { installationId: c.installationId } : {}),
    ...(thread ? { thread } : {}),
    trigger: {
      event: event.name,
      deliveryId: event.id,
      key,
      ...(c.type === "mention"
        ? {
            commentId: c.comment.id,
            commentKind: c.comment.kind,
            createdAt: c.comment.createdAt || undefined,
          }
        : {}),
      author,
      ...(authorId !== undefined ? { authorId } : {}),
    },
    instruction,
    ...(command ? { command } : {}),
    refs: {
      base: pr?.base.ref ?? repoInfo.defaultBranch,
      ...(pr ? { head: pr.head.ref, headSha: pr.head.sha } : {}),
      fromFork: pr ? isFromFork(pr) : false,
    },
    ...(trackingCommentId !== undefined ? { trackingCommentId } : {}),
    config,
    requestedAt: deps.now().toISOString(),
  };
  deps.queue.add(runRequest);
  deps.log.info("run queued", { run: runId, kind, trigger: key });
  return { status: "queued", request: runRequest };
}

type Resolved =
  | {
      status: "request";
      kind: RunKind;
      instruction: string;
      command?: string;
      thread?: { number: number; isPullRequest: boolean };
      pr?: PullRequest;
      key: string;
      author: string;
    }
  | Exclude<Outcome, { status: "queued" }>;

/** Decides what the candidate asks for, replying where the answer is a sentence, not a run. */
async function toRequest(
  c: Candidate,
  config: RepoConfig,
  deps: FrontDoorDeps,
  repo: RepoRef,
  deliveryId: string,
): Promise<Resolved> {
  switch (c.type) {
    case "dispatch":
      return {
        status: "request",
        kind: c.prompt ? "prompt" : "maintenance",
        instruction: sanitizeUserText(c.prompt),
        key: `${c.event}:${deps.now().toISOString()}`,
        author: c.sender?.login ?? "schedule",
      };
    case "review": {
      if (!config.review.auto) return { status: "ignored", reason: "review.auto is off" };
      if (c.pullRequest.draft && !config.review.drafts)
        return { status: "ignored", reason: "draft pull request" };
      // Automatic review is read-only and switched on by the maintainers' config, so it reviews every author.
      const { number, head } = c.pullRequest;
      return {
        status: "request",
        kind: "review",
        instruction: "",
        thread: { number, isPullRequest: true },
        pr: c.pullRequest,
        key: `review:${number}:${head.sha}`,
        author: c.author.login,
      };
    }
    case "assigned":
    case "labeled": {
      const wanted =
        c.type === "assigned"
          ? sameLogin(c.assignee, deps.botLogin)
          : c.label.toLowerCase() === config.trigger.label.toLowerCase();
      if (!wanted) return { status: "ignored", reason: `${c.type} something else` };
      if (!(await authorized(deps, repo, c.author.login, config)))
        return deny(deps, repo, c.thread.number, c.author.login, config);
      return {
        status: "request",
        kind: "implement",
        instruction: "",
        thread: c.thread,
        key: `${c.type}:${c.thread.number}:${deliveryId}`,
        author: c.author.login,
      };
    }
    case "mention":
      return mentionRequest(c, config, deps, repo);
  }
}

async function mentionRequest(
  c: Extract<Candidate, { type: "mention" }>,
  config: RepoConfig,
  deps: FrontDoorDeps,
  repo: RepoRef,
): Promise<Resolved> {
  const { mentioned, instruction } = findMention(c.body, config.trigger.phrase);
  if (!mentioned) return { status: "ignored", reason: "no mention" };
  const author = c.author.login;
  if (!isBot(c.author) && !(await authorized(deps, repo, author, config))) {
    return deny(deps, repo, c.thread.number, author, config);
  }
  const reply = async (text: string, reason: string): Promise<Resolved> => {
    await createComment(deps.octokit, repo, c.thread.number, text, config.guard);
    return { status: "replied", reason };
  };
  const intent = parseIntent(instruction, Object.keys(config.commands));
  let kind: RunKind;
  let command: string | undefined;
  let text = instruction;
  if (intent.kind === "command") {
    switch (intent.command) {
      case "help":
        return reply(helpBody(config), "help");
      case "stop": {
        const stopped = deps.queue.cancel(
          threadKey({ repository: { owner: repo.owner, name: repo.repo }, thread: c.thread }),
        );
        return reply(
          stopped ? "Stopped the run on this thread." : "Nothing is running on this thread.",
          "stop",
        );
      }
      case "pause":
      case "resume": {
        if (!c.thread.isPullRequest)
          return reply(
            `\`${intent.command}\` turns automatic review off and on for a pull request.`,
            intent.command,
          );
        const paused = intent.command === "pause";
        const { changed } = await setReviewPaused(
          deps.octokit,
          repo,
          c.thread.number,
          deps.botLogin,
          paused,
          config.guard,
        );
        const state = paused
          ? `Automatic review is paused on this pull request; \`${config.trigger.phrase} resume\` turns it back on. \`${config.trigger.phrase} /review\` still reviews on demand.`
          : "Automatic review is on again for this pull request: the next push is reviewed.";
        return reply(
          changed ? state : `Nothing changed: ${state.charAt(0).toLowerCase()}${state.slice(1)}`,
          intent.command,
        );
      }
      case "buddy":
        return reply(
          config.features.buddy
            ? "`buddy` is switched on in the config, but it is not available in this version yet."
            : "`buddy` is off: set `features.buddy: true` in `.github/patchwright.yml` to meet it.",
          "buddy",
        );
      default:
        kind = BUILT_IN_KIND[intent.command]!;
        command = intent.command;
        text = intent.args;
    }
    if (kind === "review" && !c.thread.isPullRequest)
      return reply("`/review` works on pull requests.", "review on issue");
  } else if (intent.kind === "custom") {
    const custom = config.commands[intent.name]!;
    kind = custom.kind;
    command = `/${intent.name}`;
    text = [custom.prompt, intent.args].filter(Boolean).join("\n\n");
  } else {
    kind = await deps.router.route(intent.text);
  }
  const pr =
    c.pullRequest ??
    (c.thread.isPullRequest ? await getPullRequest(deps.octokit, repo, c.thread.number) : undefined);
  return {
    status: "request",
    kind,
    instruction: text,
    ...(command ? { command } : {}),
    thread: c.thread,
    ...(pr ? { pr } : {}),
    key: `${c.comment.kind}:${c.comment.id}`,
    author,
  };
}

async function authorized(
  deps: FrontDoorDeps,
  repo: RepoRef,
  login: string,
  config: RepoConfig,
): Promise<boolean> {
  const level = await getCollaboratorPermission(deps.octokit, repo, login);
  const ok = atLeast(level, config.permissions.minimum);
  if (!ok) deps.log.info("not authorised", { login, level, minimum: config.permissions.minimum });
  return ok;
}

async function deny(
  deps: FrontDoorDeps,
  repo: RepoRef,
  number: number,
  login: string,
  config: RepoConfig,
): Promise<Resolved> {
  if (!config.permissions.replyToUnauthorized)
    return { status: "ignored", reason: `${login} may not trigger runs` };
  await createComment(
    deps.octokit,
    repo,
    number,
    `Thanks @${login} — patchwright runs only for people with ${config.permissions.minimum} access to this repository. A maintainer can ask it instead.`,
    config.guard,
  );
  return { status: "replied", reason: "not authorised" };
}

async function hasTrackingComment(
  deps: FrontDoorDeps,
  repo: RepoRef,
  number: number,
  key: string,
  since: string,
): Promise<boolean> {
  const ours = { botLogin: deps.botLogin, read: readMarker, since };
  for await (const { marker } of ourMarkedComments(deps.octokit, repo, number, ours))
    if (marker.trigger === key) return true;
  return false;
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

/** A failed check on the pull request's head naming the problem; a failure to post it is only logged. */
async function configCheck(
  deps: FrontDoorDeps,
  repo: RepoRef,
  pr: PullRequest,
  sentence: string,
): Promise<void> {
  try {
    await postFinishedCheck(
      deps.octokit,
      repo,
      {
        name: "patchwright config",
        headSha: pr.head.sha,
        conclusion: "failure",
        title: "patchwright cannot run: its config is invalid",
        summary:
          `${sentence}\n\nThe file is read from the default branch: fix it there. Until then patchwright ` +
          `reviews nothing and starts no runs in this repository. This check is about the repository's ` +
          `config, not about this pull request's changes.`,
      },
      DEFAULTS.guard,
    );
  } catch (err) {
    deps.log.warn(`could not post the config check in ${repo.owner}/${repo.repo}`, {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

function configErrorBody(sentence: string): string {
  return `patchwright cannot run: ${sentence} Fix the file on the default branch and mention it again.`;
}
