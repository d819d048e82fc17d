import type { RepoConfig } from "../../config/schema.js";
import { createComment } from "../../github/guarded-comments.js";
import type { RepoRef } from "../../github/octokit-like.js";
import { countRevertedCommits } from "../../github/reverted-commits.js";
import { getThreadDiscussion, type ThreadDiscussion } from "../../github/thread-discussion.js";
import type { Candidate } from "../../request/classify-event.js";
import { readFrustration, type FrustrationSignal, type ThreadEntry } from "../../request/frustration.js";
import { readMarker } from "../marker.js";
import { isOurs } from "../thread-context.js";
import type { FrontDoorDeps, Resolved } from "./types.js";

/** After this many rounds that did not help, a person is better placed than another run. */
export const FRUSTRATED_ROUNDS_LIMIT = 3;

const NOTICED: Record<FrustrationSignal, string> = {
  repeated: "the same request again after patchwright's answer",
  "not fixed": "it still does not work",
  swearing: "strong words",
  shouting: "capitals",
  retry: "asked to try again",
  reverted: "patchwright's commit was reverted",
};

type Request = Extract<Resolved, { status: "request" }>;

/**
 * `features.frustrationSignals`: when a person asks again in words after patchwright already answered on
 * the thread and the words show frustration — or someone reverted a commit of patchwright's on the pull
 * request before asking — say sorry, plan before changing code so they approve first, and after
 * FRUSTRATED_ROUNDS_LIMIT such rounds stop and point to a maintainer. Read here, from the thread and the
 * pull request's commits that come with it, with no model and nothing stored or sent anywhere. Commands
 * are what the person chose: never changed.
 */
export async function changeCourse(
  c: Candidate,
  r: Request,
  config: RepoConfig,
  deps: FrontDoorDeps,
  repo: RepoRef,
): Promise<Resolved> {
  if (!config.features.frustrationSignals || c.type !== "mention" || r.command !== undefined) return r;
  if (!r.thread || !["implement", "answer", "plan"].includes(r.kind)) return r;
  // An issue with no comment yet has no answer of ours to be frustrated with: no request for it.
  if (c.threadComments === 0 || c.comment.kind === "issue_body") return r;
  const thread = await getThreadDiscussion(deps.octokit, repo, r.thread.number);
  if (!thread) return r;
  const commits = (thread.commits?.nodes ?? []).map((n) => n.commit);
  const { signals, rounds } = readFrustration(timeline(thread, c, deps.botLogin), {
    author: r.author,
    text: r.instruction,
    revertedOurCommits: countRevertedCommits(commits, deps.botLogin, new Date(c.comment.createdAt)),
  });
  if (!signals.length || rounds === 0) return r;
  if (rounds >= FRUSTRATED_ROUNDS_LIMIT) {
    await createComment(deps.octokit, repo, r.thread.number, handOver(r.author, config), config.guard);
    return { status: "replied", reason: "frustrated rounds: suggested a maintainer" };
  }
  const noticed = `frustration noticed (${signals.map((s) => NOTICED[s]).join(", ")})`;
  if (r.kind === "implement") {
    return {
      ...r,
      kind: "plan",
      courseChange: {
        acknowledgement:
          "Sorry this is taking several rounds — I'll plan first this time, for you to approve.",
        report: `Changed course: ${noticed} — planned first instead of changing code.`,
      },
    };
  }
  return {
    ...r,
    courseChange: {
      acknowledgement: "Sorry this is taking several rounds — I'll look again, carefully.",
      report: `${noticed.charAt(0).toUpperCase()}${noticed.slice(1)}: sorry this is taking several rounds.`,
    },
  };
}

/**
 * The thread up to the request: people's words, and patchwright's rounds — its tracking comments (a run
 * marker on a comment of ours) and a pull request it opened. Comments written after the request, or the
 * request itself, are not part of it.
 */
function timeline(
  thread: ThreadDiscussion,
  c: Extract<Candidate, { type: "mention" }>,
  botLogin: string,
): ThreadEntry[] {
  const at = Date.parse(c.comment.createdAt);
  const entries: ThreadEntry[] = [];
  const add = (t: { body: string; author: ThreadDiscussion["author"] }): void => {
    if (!isOurs(t.author, botLogin))
      entries.push({ by: "person", author: t.author?.login ?? "ghost", text: t.body });
    else if (readMarker(t.body) || t === thread) entries.push({ by: "patchwright" });
  };
  add(thread);
  for (const comment of thread.comments.nodes)
    if (comment.databaseId !== c.comment.id && !(Date.parse(comment.createdAt) > at)) add(comment);
  return entries;
}

function handOver(author: string, config: RepoConfig): string {
  return (
    `@${author} Sorry — ${FRUSTRATED_ROUNDS_LIMIT} rounds on this thread have not helped, so I'll stop ` +
    `rather than try again. A maintainer can take over from here; \`${config.trigger.phrase} /plan\` ` +
    `still asks me for a plan to approve when the way forward is clearer.`
  );
}
