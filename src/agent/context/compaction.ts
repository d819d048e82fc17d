import type { ContentBlock, Message } from "../model-types.js";
import { blocksOf, recentBoundary, toolUses } from "./history.js";
import { estimateTokens } from "./token-count.js";
import { truncateToFit } from "./truncate.js";

export type CompactionLevel = 1 | 2 | 3 | 4 | 5;

export interface CompactionResult {
  messages: Message[];
  /** The highest level applied (1: nothing needed beyond the tools' own 16,000-character cap). */
  level: CompactionLevel;
  beforeTokens: number;
  afterTokens: number;
  /** Why this compaction counts as a failure (a summary that failed or was not smaller, or still too big). */
  failed?: string;
}

export interface CompactionOptions {
  /** Where to bring the estimated size: well under the trigger (e.g. 50% of the window). */
  targetTokens: number;
  /** Where the caller triggers compaction (e.g. 75% of the window); informational here. */
  triggerTokens?: number;
  /** Turns (assistant messages) kept whole at the end. Default 6. */
  keepRecentTurns?: number;
  /** Tokens outside the messages that count towards the size (system prompt, tools). Default 0. */
  baseTokens?: number;
  /**
   * Summarises what level 3 would drop, `messages[1, keptFrom)` (a model call with `summaryInstruction`);
   * without it, level 4 is skipped.
   */
  summarizer?: (dropped: Message[], keptFrom: number) => Promise<string>;
  /** Records success or failure; `compact` throws if it is already open. */
  breaker?: CompactionBreaker;
}

export const DEFAULT_KEEP_RECENT_TURNS = 6;
/** Room left for the summary when choosing how much to drop at level 4. */
export const SUMMARY_RESERVE_TOKENS = 2000;
/** A dropped part smaller than this is not worth a model call: it is dropped plainly (level 3). */
export const MIN_SUMMARISED_TOKENS = 1000;
export const BREAKER_THRESHOLD = 3;
export const BREAKER_REASON = "compaction failed three times in a row";

/** The sections of a summary, in order: fixed, so nothing the agent needs is left to chance. */
export const SUMMARY_SECTIONS = `Write the summary in exactly these sections, in this order, each a Markdown heading followed by terse bullet points (write "none" if a section is empty):

## Goal
What the user asked for, in their terms, and what "done" means.

## Instructions
Constraints, preferences and decisions the user or the repository imposed (commands to use, files not to touch, style).

## Discoveries
Facts learnt about the code and the environment that are still true: where things are, how they work, causes of failures, commands that work or do not.

## Done
Changes already made, file by file, and checks already run with their outcome.

## Files
Paths that matter, each with one line on why.

## Pending
What remains to be done, in order, and any open question.

Be specific (exact paths, names, commands, error messages); leave out chatter and anything superseded. Write only the summary.`;

/**
 * The instruction appended to the conversation for a summary (level 4). The model reads the whole
 * conversation, as the previous turn sent it (so from the cache), and is told which part goes: all but
 * the original request and its last `keptTurns` turns there.
 */
export function summaryInstruction(keptTurns: number): string {
  const kept =
    keptTurns === 0
      ? ""
      : ` and your last ${keptTurns === 1 ? "turn" : `${keptTurns} turns`} (with the tool results that follow)`;
  return `The harness is compacting the history of this run. Do not call any tool now: answer with the summary only. Everything above except the first user message (the original request)${kept} will be deleted, an earlier summary included, and replaced by the summary you write now, so you will only know what it says. ${SUMMARY_SECTIONS}`;
}

/** Counts consecutive failed compactions; after three it opens and compaction must not be attempted. */
export class CompactionBreaker {
  private consecutive = 0;

  get failures(): number {
    return this.consecutive;
  }

  get open(): boolean {
    return this.consecutive >= BREAKER_THRESHOLD;
  }

  record(result: Pick<CompactionResult, "failed">): void {
    this.consecutive = result.failed === undefined ? 0 : this.consecutive + 1;
  }
}

const SUMMARY_OPEN = "<summary>";

function elidedNote(name: string): string {
  return `[output of ${name} elided to save context; call the tool again if you need it]`;
}

/**
 * Bring `messages` under `opts.targetTokens`, applying levels 2 to 5 in order and only as far as needed.
 * Never mutates its input; the result always starts with the original request, alternates roles and
 * keeps every tool_result right after its tool_use.
 */
export async function compact(
  messages: readonly Message[],
  opts: CompactionOptions,
): Promise<CompactionResult> {
  if (opts.breaker?.open) {
    throw new Error(`Compaction must not be attempted again: ${BREAKER_REASON}.`);
  }
  const result = await run(messages, opts);
  opts.breaker?.record(result);
  return result;
}

async function run(messages: readonly Message[], opts: CompactionOptions): Promise<CompactionResult> {
  const keep = Math.max(1, opts.keepRecentTurns ?? DEFAULT_KEEP_RECENT_TURNS);
  const target = opts.targetTokens;
  const size = (m: readonly Message[]): number => (opts.baseTokens ?? 0) + estimateTokens(m);
  const beforeTokens = size(messages);
  const done = (out: Message[], level: CompactionLevel, failed?: string): CompactionResult => ({
    messages: out,
    level,
    beforeTokens,
    afterTokens: size(out),
    ...(failed !== undefined ? { failed } : {}),
  });

  // Level 1: the tools already cap their results; nothing else to do if that is enough.
  if (beforeTokens <= target) return done(messages.slice(), 1);

  // Level 2: mask old tool results.
  let current = maskOldToolResults(messages, keep);
  if (size(current) <= target) return done(current, 2);

  // Levels 3 and 4 choose the same cut; level 4 replaces the dropped part with a summary.
  let level: CompactionLevel = 2;
  let failed: string | undefined;
  const useSummary = opts.summarizer !== undefined;
  const cut = chooseCut(current, keep, target, size, useSummary ? SUMMARY_RESERVE_TOKENS : 0);
  if (cut !== undefined) {
    const { first, previousSummary } = splitPreviousSummary(current[0] as Message);
    const dropped = [
      ...(previousSummary ? [{ role: "user" as const, content: previousSummary }] : []),
      ...current.slice(1, cut),
    ];
    let summarised: Message[] | undefined;
    if (opts.summarizer && estimateTokens(dropped) >= MIN_SUMMARISED_TOKENS) {
      const attempt = await summarise(opts.summarizer, dropped, cut);
      if (typeof attempt === "string") {
        summarised = [withSummary(first, attempt), ...current.slice(cut)];
      } else {
        failed = attempt.failed;
      }
    }
    current = summarised ?? [current[0] as Message, ...current.slice(cut)];
    level = summarised ? 4 : 3;
    if (size(current) <= target) return done(current, level, failed);
  }

  // Level 5: hard truncation.
  current = truncateToFit(current, target, size);
  const after = size(current);
  if (after > target) {
    failed ??= `the history is still ${after} tokens after truncation, over the target of ${target}`;
  }
  return done(current, 5, failed);
}

/**
 * Level 2: the content of tool_result blocks older than the last `keep` turns becomes a short note naming
 * the tool (from the matching tool_use in the message before). The blocks themselves stay, so every
 * tool_use keeps its tool_result.
 */
export function maskOldToolResults(messages: readonly Message[], keep: number): Message[] {
  const boundary = recentBoundary(messages, keep);
  if (boundary === undefined) return messages.slice();
  return messages.map((m, i) => {
    if (i >= boundary || m.role !== "user" || typeof m.content === "string") return m;
    const names = new Map(toolUses(messages[i - 1]).map((u) => [u.id, u.name]));
    let changed = false;
    const content = m.content.map((b): ContentBlock => {
      if (b.type !== "tool_result") return b;
      const note = elidedNote(names.get(b.tool_use_id) ?? "the tool");
      if (b.content.length <= note.length) return b;
      changed = true;
      return { ...b, content: note };
    });
    return changed ? { ...m, content } : m;
  });
}

/**
 * Level 3's cut: drop messages [1, cut) where `cut` is an assistant message, so the original request is
 * kept, the next message is the assistant's (roles still alternate) and a user message holding
 * tool_results always stays with the assistant message before it. The cut never reaches into the last
 * `keep` turns; it is the smallest that brings the size (plus `reserve`) under the target, or the largest
 * allowed. Undefined when nothing can be dropped.
 */
function chooseCut(
  messages: readonly Message[],
  keep: number,
  target: number,
  size: (m: readonly Message[]) => number,
  reserve: number,
): number | undefined {
  if (messages[0]?.role !== "user") return undefined;
  const boundary = recentBoundary(messages, keep);
  if (boundary === undefined || boundary <= 1) return undefined;
  const head = messages[0];
  let cut = boundary;
  for (let k = 2; k < boundary; k++) {
    if (messages[k]?.role !== "assistant") continue;
    if (size([head, ...messages.slice(k)]) + reserve <= target) {
      cut = k;
      break;
    }
  }
  return cut;
}

async function summarise(
  summarizer: NonNullable<CompactionOptions["summarizer"]>,
  dropped: Message[],
  keptFrom: number,
): Promise<string | { failed: string }> {
  let text: string;
  try {
    text = await summarizer(structuredClone(dropped), keptFrom);
  } catch (err) {
    return { failed: `the summary failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  const body = text
    .trim()
    .replace(/^<summary>\s*/i, "")
    .replace(/\s*<\/summary>$/i, "")
    .trim();
  if (!body) return { failed: "the summary was empty" };
  const summaryTokens = estimateTokens(summaryBlock(body).text);
  const droppedTokens = estimateTokens(dropped);
  if (summaryTokens >= droppedTokens) {
    return {
      failed: `the summary (${summaryTokens} tokens) was not smaller than what it replaces (${droppedTokens} tokens)`,
    };
  }
  return body;
}

function summaryBlock(body: string): { type: "text"; text: string } {
  return { type: "text", text: `${SUMMARY_OPEN}\n${body}\n</summary>` };
}

/** A summary from an earlier compaction sits in the first message; it is summarised again with the rest. */
function splitPreviousSummary(first: Message): { first: Message; previousSummary?: string } {
  const blocks = blocksOf(first);
  const isSummary = (b: ContentBlock): boolean => b.type === "text" && b.text.startsWith(SUMMARY_OPEN);
  const previous = blocks.find(isSummary);
  if (!previous || previous.type !== "text") return { first };
  return {
    first: { ...first, content: blocks.filter((b) => !isSummary(b)) },
    previousSummary: previous.text,
  };
}

/**
 * The summary goes into the first user message, after the original request, as its own text block.
 * Merging (rather than a separate user message plus an invented assistant acknowledgement) keeps roles
 * alternating without putting words in the model's mouth, and keeps the request first.
 */
function withSummary(first: Message, body: string): Message {
  return { role: "user", content: [...blocksOf(first), summaryBlock(body)] };
}
