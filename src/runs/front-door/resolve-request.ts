import type { RepoConfig } from "../../config/schema.js";
import { createComment } from "../../github/guarded-comments.js";
import type { RepoRef } from "../../github/octokit-like.js";
import { getPullRequest } from "../../github/pulls.js";
import { commentTriggerKey, type Candidate } from "../../request/classify-event.js";
import { findMention } from "../../request/find-mention.js";
import { parseIntent } from "../../request/parse-intent.js";
import { isBot, sameLogin } from "../../request/permissions.js";
import type { RunKind } from "../../request/run-request.js";
import { sanitizeUserText } from "../../request/sanitize-text.js";
import { authorized, deny } from "./authorize.js";
import { COMMANDS } from "./commands.js";
import type { FrontDoorDeps, Resolved } from "./types.js";

/** Decides what the candidate asks for, replying where the answer is a sentence, not a run. */
export async function resolveRequest(
  c: Exclude<Candidate, { type: "edited" }>,
  config: RepoConfig,
  deps: FrontDoorDeps,
  repo: RepoRef,
  deliveryId: string,
): Promise<Resolved> {
  switch (c.type) {
    case "dispatch":
      // Without a prompt the front door queued maintenance runs before asking here.
      return {
        status: "request",
        kind: "prompt",
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
  const intent = parseIntent(instruction, Object.keys(config.commands));
  let kind: RunKind;
  let command: string | undefined;
  let text = instruction;
  if (intent.kind === "command") {
    const result = await COMMANDS[intent.command]({ mention: c, config, deps, repo });
    if ("reply" in result) {
      await createComment(deps.octokit, repo, c.thread.number, result.reply, config.guard);
      return { status: "replied", reason: result.reason };
    }
    kind = result.run;
    command = intent.command;
    text = intent.args;
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
    key: commentTriggerKey(c.comment),
    author,
  };
}
