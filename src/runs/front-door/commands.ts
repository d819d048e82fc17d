import type { BuiltInCommand } from "../../config/built-in-commands.js";
import type { RepoConfig } from "../../config/schema.js";
import type { RepoRef } from "../../github/octokit-like.js";
import type { Candidate } from "../../request/classify-event.js";
import type { RunKind } from "../../request/run-request.js";
import { setReviewPaused } from "../../review/pause.js";
import { buddyReply } from "../buddy/buddy-reply.js";
import { helpBody } from "../messages.js";
import { threadKey } from "../queue/run-queue.js";
import type { FrontDoorDeps } from "./types.js";

export interface CommandCall {
  mention: Extract<Candidate, { type: "mention" }>;
  config: RepoConfig;
  deps: FrontDoorDeps;
  repo: RepoRef;
}

/** A command either starts a run of a kind, or is answered at once with a sentence. */
export type CommandResult = { run: RunKind } | { reply: string; reason: string };

type CommandHandler = (call: CommandCall) => CommandResult | Promise<CommandResult>;

/** Every built-in command has its handler: adding one to BUILT_IN_COMMANDS without a case does not compile. */
export const COMMANDS: Record<BuiltInCommand, CommandHandler> = {
  help: ({ config }) => ({ reply: helpBody(config), reason: "help" }),
  stop: async ({ deps, repo, mention }) => {
    const stopped = await deps.queue.cancel(
      threadKey({ repository: { owner: repo.owner, name: repo.repo }, thread: mention.thread }),
    );
    return {
      reply: stopped ? "Stopped the run on this thread." : "Nothing is running on this thread.",
      reason: "stop",
    };
  },
  pause: (call) => setPaused(call, true),
  resume: (call) => setPaused(call, false),
  buddy: async ({ config, deps, repo, mention }) => ({
    reply: config.features.buddy
      ? await buddyReply({
          octokit: deps.octokit,
          repo,
          repositoryId: mention.repository?.id,
          botLogin: deps.botLogin,
          now: deps.now(),
          log: deps.log,
          ...(deps.buddyHistory ? { cache: deps.buddyHistory } : {}),
        })
      : "`buddy` is off: set `features.buddy: true` in `.github/patchwright.yml` to meet it.",
    reason: "buddy",
  }),
  review: ({ mention }) =>
    mention.thread.isPullRequest
      ? { run: "review" }
      : { reply: "`/review` works on pull requests.", reason: "review on issue" },
  plan: () => ({ run: "plan" }),
  approve: () => ({ run: "implement" }),
};

async function setPaused(call: CommandCall, paused: boolean): Promise<CommandResult> {
  const { mention, config, deps, repo } = call;
  const command = paused ? "pause" : "resume";
  if (!mention.thread.isPullRequest)
    return { reply: `\`${command}\` turns automatic review off and on for a pull request.`, reason: command };
  const { changed } = await setReviewPaused(
    deps.octokit,
    repo,
    mention.thread.number,
    deps.botLogin,
    paused,
    config.guard,
  );
  const state = paused
    ? `Automatic review is paused on this pull request; \`${config.trigger.phrase} resume\` turns it back on. \`${config.trigger.phrase} /review\` still reviews on demand.`
    : "Automatic review is on again for this pull request: the next push is reviewed.";
  return {
    reply: changed ? state : `Nothing changed: ${state.charAt(0).toLowerCase()}${state.slice(1)}`,
    reason: command,
  };
}
