import { z } from "zod";
import type { AgentEvent } from "../../agent/events.js";

// What a run's timeline shows: a small, typed digest of the agent's events (never the full model
// requests), each text field passed through the guard's redaction first and cut after, so a secret is
// found whole before anything is shortened.

const INPUT_CHARS = 1500;
const OUTPUT_CHARS = 2000;
const TEXT_CHARS = 4000;

export const TimelineEntry = z.discriminatedUnion("type", [
  z.object({ type: z.literal("status"), text: z.string() }),
  z.object({ type: z.literal("turn"), turn: z.number() }),
  z.object({ type: z.literal("text"), turn: z.number(), text: z.string() }),
  z.object({ type: z.literal("tool"), turn: z.number(), name: z.string(), input: z.string() }),
  z.object({
    type: z.literal("tool_result"),
    turn: z.number(),
    name: z.string(),
    isError: z.boolean(),
    output: z.string(),
    ms: z.number(),
  }),
  z.object({
    type: z.literal("cost"),
    turn: z.number(),
    costUsd: z.number(),
    inputTokens: z.number(),
    outputTokens: z.number(),
  }),
  z.object({
    type: z.literal("compacted"),
    level: z.number(),
    beforeTokens: z.number(),
    afterTokens: z.number(),
    failed: z.string().optional(),
  }),
  z.object({ type: z.literal("limit"), limit: z.string(), detail: z.string() }),
  z.object({
    type: z.literal("verification"),
    command: z.string(),
    passed: z.boolean(),
    attempt: z.number(),
    output: z.string(),
  }),
  z.object({ type: z.literal("instructions"), files: z.array(z.string()), warning: z.string().optional() }),
  z.object({ type: z.literal("guard"), findings: z.array(z.string()) }),
  z.object({ type: z.literal("report"), outcome: z.string(), headline: z.string() }),
]);
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export type Redact = (text: string) => string;

/** Turns the agent's events into timeline entries; keeps the running totals the entries show. */
export class TimelineRecorder {
  private inputTokens = 0;
  private outputTokens = 0;

  constructor(private readonly redact: Redact) {}

  entries(event: AgentEvent): TimelineEntry[] {
    const text = (value: string, max: number): string => cut(this.redact(value), max);
    switch (event.type) {
      case "turn_started":
        return [{ type: "turn", turn: event.turn }];
      case "model_text":
        return event.text.trim()
          ? [{ type: "text", turn: event.turn, text: text(event.text, TEXT_CHARS) }]
          : [];
      case "model_response":
        this.inputTokens += event.response.usage.inputTokens;
        this.outputTokens += event.response.usage.outputTokens;
        return [
          {
            type: "cost",
            turn: event.turn,
            // The loop's figure is the run's total so far already.
            costUsd: event.costUsd,
            inputTokens: this.inputTokens,
            outputTokens: this.outputTokens,
          },
        ];
      case "tool_requested":
        return [
          {
            type: "tool",
            turn: event.turn,
            name: text(event.name, 100),
            input: text(JSON.stringify(event.input ?? null), INPUT_CHARS),
          },
        ];
      case "tool_result":
        return [
          {
            type: "tool_result",
            turn: event.turn,
            name: text(event.name, 100),
            isError: event.isError,
            output: text(event.content, OUTPUT_CHARS),
            ms: event.ms,
          },
        ];
      case "compacted":
        return [
          {
            type: "compacted",
            level: event.level,
            beforeTokens: event.beforeTokens,
            afterTokens: event.afterTokens,
            ...(event.failed ? { failed: text(event.failed, 500) } : {}),
          },
        ];
      case "limit_reached":
        return [{ type: "limit", limit: event.limit, detail: text(event.detail, 500) }];
      case "verification":
        return [
          {
            type: "verification",
            command: text(event.command, 300),
            passed: event.passed,
            attempt: event.attempt,
            output: text(event.output, OUTPUT_CHARS),
          },
        ];
      case "instructions":
        return [
          {
            type: "instructions",
            files: event.files.map((f) => text(f, 300)),
            ...(event.warning ? { warning: text(event.warning, 500) } : {}),
          },
        ];
      // The full requests are in the transcript; the outcome comes with the run's report.
      case "model_request":
      case "finished":
      case "failed":
        return [];
    }
  }
}

/** How an entry is shown, on the run page and in the Action's job summary: a title and an optional body. */
export interface EntryView {
  kind: TimelineEntry["type"];
  title: string;
  body?: string;
}

export function viewEntry(e: TimelineEntry): EntryView {
  switch (e.type) {
    case "status":
      return { kind: e.type, title: e.text };
    case "turn":
      return { kind: e.type, title: `Turn ${e.turn}` };
    case "text":
      return { kind: e.type, title: "The model says", body: e.text };
    case "tool":
      return { kind: e.type, title: `Tool call: ${e.name}`, body: e.input };
    case "tool_result":
      return {
        kind: e.type,
        title: `${e.isError ? "Tool error" : "Tool result"}: ${e.name} (${e.ms} ms)`,
        body: e.output,
      };
    case "cost":
      return {
        kind: e.type,
        title: `Cost so far $${e.costUsd.toFixed(4)} · ${(e.inputTokens + e.outputTokens).toLocaleString("en-US")} tokens`,
      };
    case "compacted":
      return {
        kind: e.type,
        title: e.failed
          ? `Compaction level ${e.level} failed: ${e.failed}`
          : `Compacted (level ${e.level}): ${e.beforeTokens.toLocaleString("en-US")} → ${e.afterTokens.toLocaleString("en-US")} tokens`,
      };
    case "limit":
      return { kind: e.type, title: `Limit reached (${e.limit}): ${e.detail}` };
    case "verification":
      return {
        kind: e.type,
        title: `Tests ${e.passed ? "passed" : "failed"} (attempt ${e.attempt}): ${e.command}`,
        body: e.output,
      };
    case "instructions":
      return {
        kind: e.type,
        title: `Instruction files: ${e.files.length ? e.files.join(", ") : "none"}`,
        ...(e.warning ? { body: e.warning } : {}),
      };
    case "guard":
      return {
        kind: e.type,
        title: "The leak guard blocked what would have left",
        body: e.findings.join("\n"),
      };
    case "report":
      return { kind: e.type, title: `Finished: ${e.outcome}`, body: e.headline };
  }
}

/**
 * The timeline as GitHub markdown, for the Action's job summary. Bodies go in fenced blocks whose fence is
 * longer than any run of backticks inside, so text from the model or a tool cannot close it and
 * inject markdown; titles have their markdown and HTML characters escaped.
 */
export function timelineMarkdown(entries: readonly TimelineEntry[], maxChars = 60_000): string {
  const lines: string[] = ["### patchwright run timeline", ""];
  let size = 0;
  let shown = 0;
  for (const entry of entries) {
    const view = viewEntry(entry);
    const block = [`- **${escapeMarkdown(view.title)}**`];
    if (view.body?.trim()) {
      const fence = "`".repeat(Math.max(3, longestBacktickRun(view.body) + 1));
      block.push("", `  ${fence}text`, ...view.body.split("\n").map((l) => `  ${l}`), `  ${fence}`);
    }
    const text = block.join("\n");
    if (size + text.length > maxChars) break;
    size += text.length;
    shown += 1;
    lines.push(text);
  }
  if (shown < entries.length)
    lines.push("", `…${entries.length - shown} more entries did not fit in the summary.`);
  return `${lines.join("\n")}\n`;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

function escapeMarkdown(text: string): string {
  return text.replace(/\s+/g, " ").replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

/** At most `max` characters, saying how many more there were. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length - max} more characters)`;
}

/** Every string inside `value` passed through `redact`, the structure kept. */
export function redactDeep<T>(value: T, redact: Redact): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redact)) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactDeep(v, redact)]),
    ) as T;
  return value;
}
