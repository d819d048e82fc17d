/**
 * One part of a review: a read-only agent over the checkout gets the part's diff, may open other files
 * to understand it, and ends by calling `report_findings`. An agent that ends without a usable report
 * gets one more request for it, with its conversation so far; nothing it found is dropped unannounced.
 */
import type { AgentResult, LimitKind } from "../../agent/events.js";
import { runAgent, type AgentLimits } from "../../agent/loop.js";
import type { Message, ModelClient, ModelResponse, SystemBlock, Usage } from "../../agent/model-types.js";
import { addUsage, costUsd, emptyUsage } from "../../agent/model/prices.js";
import type { Rule } from "../../config/permission-rule.js";
import { toolsFor } from "../../tools/index.js";
import type { ToolContext } from "../../tools/tool-types.js";
import type { FindingsReport } from "../findings/finding.js";
import { extractReport, REPORT_TOOL, reviewWithRepair } from "../findings/report-tool.js";
import { reportRecorder } from "./report-recorder.js";

export interface ChunkReviewOptions {
  model: ModelClient;
  modelName: string;
  system: SystemBlock[];
  /** The first message: the pull request and this part's diff. */
  message: string;
  toolContext: ToolContext;
  /** The read-only policy; `report_findings` must be allowed in it. */
  rules: readonly Rule[];
  limits: AgentLimits;
  /** The most output tokens of one answer: a report of many files and findings is long. */
  maxTokens: number;
  instructionsFor?: (path: string) => Promise<{ text: string; files: string[]; warning?: string }>;
  now?: () => number;
  signal?: AbortSignal;
}

export type ChunkReview =
  | {
      kind: "reported";
      report: FindingsReport;
      /** The part of the model's answer that could not be read, as it wrote it. */
      unparsed: string | undefined;
      notes: string[];
      modelCalls: number;
      usage: Usage;
      costUsd: number;
    }
  /** A limit (or the caller) stopped the agent before it reported anything usable: not reviewed. */
  | {
      kind: "stopped";
      reason: string;
      limit: LimitKind | undefined;
      modelCalls: number;
      usage: Usage;
      costUsd: number;
    }
  /** The model failed (or the review was stopped): one sentence for a person. */
  | { kind: "failed"; reason: string; modelCalls: number; usage: Usage; costUsd: number };

export async function reviewChunk(o: ChunkReviewOptions): Promise<ChunkReview> {
  const recorder = reportRecorder();
  const tools = [...toolsFor("read"), recorder.tool];
  const loop = runAgent({
    model: o.model,
    modelName: o.modelName,
    system: o.system,
    instruction: o.message,
    tools,
    rules: o.rules,
    toolContext: o.toolContext,
    limits: o.limits,
    maxTokens: o.maxTokens,
    ...(o.instructionsFor && { instructionsFor: o.instructionsFor }),
    ...(o.now && { now: o.now }),
    ...(o.signal && { signal: o.signal }),
  });

  // The conversation, rebuilt from the loop's events, for a last request when no report came.
  let history: Message[] = [];
  let last: ModelResponse | undefined;
  let usage = emptyUsage();
  let cost = 0;
  let modelCalls = 0;
  let result: AgentResult | undefined;
  let limit: LimitKind | undefined;
  for (;;) {
    const next = await loop.next();
    if (next.done) {
      result = next.value;
      break;
    }
    const event = next.value;
    if (event.type === "model_request") {
      history = [...history.slice(0, event.firstMessage), ...event.request.messages];
    } else if (event.type === "model_response") {
      modelCalls++;
      usage = addUsage(usage, event.response.usage);
      cost = event.costUsd;
      last = event.response;
      history.push({ role: "assistant", content: event.response.content });
    } else if (event.type === "limit_reached") {
      limit = event.limit;
    } else if (event.type === "tool_result" && event.name === REPORT_TOOL && recorder.done()) {
      // The report is in: the agent has nothing left to do, so the loop is not asked for another turn.
      break;
    }
  }
  const spent = { modelCalls, usage, costUsd: cost };

  const recorded = recorder.recorded();
  if (recorded?.complete) {
    return { kind: "reported", report: recorded.report, unparsed: recorded.unreadable, notes: [], ...spent };
  }
  if (result && (result.outcome === "failed" || result.outcome === "aborted")) {
    return { kind: "failed", reason: result.reason, ...spent };
  }
  // A first report that was sent back for correction and never corrected: what was valid is kept.
  if (recorded) {
    return { kind: "reported", report: recorded.report, unparsed: recorded.unreadable, notes: [], ...spent };
  }
  // A report written as text (JSON in the answer) is as good as a call.
  if (last) {
    const fromText = extractReport({ ...last, content: last.content.filter((b) => b.type === "text") });
    if (fromText.problems.length === 0) {
      return { kind: "reported", report: fromText.report, unparsed: undefined, notes: [], ...spent };
    }
  }
  const reason = result?.reason ?? "The reviewer ended without a report.";
  // Out of money or time: another request would go past the limit.
  if (o.signal?.aborted || limit === "cost" || limit === "time") {
    return { kind: "stopped", reason, limit, ...spent };
  }

  let repaired;
  try {
    repaired = await reviewWithRepair(o.model, {
      model: o.modelName,
      system: o.system,
      messages: askForReport(history),
      tools: tools.map((t) => t.spec),
      maxTokens: o.maxTokens,
      ...(o.signal && { signal: o.signal }),
    });
  } catch (err) {
    return {
      kind: "failed",
      reason: err instanceof Error ? err.message : String(err),
      modelCalls: modelCalls + 1,
      usage,
      costUsd: cost,
    };
  }
  return {
    kind: "reported",
    report: repaired.report,
    unparsed: repaired.unparsed,
    notes: repaired.notes,
    modelCalls: modelCalls + repaired.modelCalls,
    usage: addUsage(usage, repaired.usage),
    costUsd: cost + costUsd(o.modelName, repaired.usage).usd,
  };
}

const ASK =
  `Your review is over: call ${REPORT_TOOL} now with what you found so far. ` + "Do not call any other tool.";

/**
 * The conversation with a request for the report at the end. Tool calls of the last turn that were
 * cut off by a limit get a result each (the API wants one per call) saying they did not run.
 */
function askForReport(history: Message[]): Message[] {
  const lastMessage = history.at(-1);
  const calls =
    lastMessage?.role === "assistant" && Array.isArray(lastMessage.content)
      ? lastMessage.content.filter((b) => b.type === "tool_use")
      : [];
  if (calls.length === 0) return [...history, { role: "user", content: ASK }];
  return [
    ...history,
    {
      role: "user",
      content: [
        ...calls.map((call) => ({
          type: "tool_result" as const,
          tool_use_id: call.id,
          content: "No result: the review has reached its limit.",
          is_error: true,
        })),
        { type: "text" as const, text: ASK },
      ],
    },
  ];
}
