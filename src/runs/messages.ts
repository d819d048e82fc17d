import type { RepoConfig } from "../config/schema.js";
import type { RunRequest } from "../request/run-request.js";
import { renderMarker, type RunMarker } from "./marker.js";

const DOCS = "https://github.com/patchwright/patchwright/blob/main/docs";

export function trackingBody(marker: RunMarker, followUrl: string | undefined): string {
  const follow = followUrl ? ` — [follow the run](${followUrl})` : "";
  return `👀 **patchwright** is working on this${follow}.\n\n${renderMarker(marker)}`;
}

/** What the run reports while the agent behind the queue is not built: the parsed request, plainly. */
export function notYetImplementedBody(request: RunRequest, marker: RunMarker): string {
  const quoted = request.instruction
    ? request.instruction
        .slice(0, 600)
        .split("\n")
        .map((l) => `> ${l}`)
        .join("\n")
    : "> (no instruction)";
  const refs = request.refs.head ? `${request.refs.base} ← ${request.refs.head}` : request.refs.base;
  return [
    `**patchwright** understood this as a **${request.kind}** request, but this version cannot carry it out yet: ` +
      "the agent is not built into it, so nothing was changed.",
    "",
    quoted,
    "",
    `Run \`${request.id}\` · requested by @${request.trigger.author} · ${refs}` +
      (request.command ? ` · command \`${request.command}\`` : ""),
    "",
    renderMarker(marker),
  ].join("\n");
}

export function helpBody(config: RepoConfig): string {
  const phrase = config.trigger.phrase;
  const custom = Object.entries(config.commands).map(
    ([name, c]) => `| \`${phrase} /${name}\` | ${c.description || c.prompt.slice(0, 80)} |`,
  );
  return [
    `**patchwright** — mention \`${phrase}\` with a request, or a command:`,
    "",
    "| | |",
    "| --- | --- |",
    `| \`${phrase} <request>\` | implement it on a branch and open a pull request, or answer a question |`,
    `| \`${phrase} /plan <request>\` | explore and post a plan to approve |`,
    `| \`${phrase} approve\` | carry out the plan posted on this thread |`,
    `| \`${phrase} /review\` | review this pull request |`,
    `| \`${phrase} stop\` | stop the run on this thread |`,
    `| \`${phrase} pause\` / \`resume\` | turn automatic review off and on for this pull request |`,
    `| \`${phrase} help\` | this list |`,
    ...custom,
    "",
    `Assigning the issue to the app or adding the \`${config.trigger.label}\` label starts an implement run. ` +
      `Settings: \`.github/patchwright.yml\` on the default branch ([reference](${DOCS}/configuration.md)).`,
  ].join("\n");
}
