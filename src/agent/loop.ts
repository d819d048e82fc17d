import type { AgentEvent, AgentResult, LimitKind, VerificationOutcome } from "./events.js";
import { BREAKER_REASON, compact, CompactionBreaker, summaryInstruction } from "./context/compaction.js";
import { ContextMeter, estimateTokens } from "./context/token-count.js";
import { LoopDetector } from "./loop-detector.js";
import {
  ModelError,
  type ContentBlock,
  type Message,
  type ModelClient,
  type SystemBlock,
  type Usage,
} from "./model-types.js";
import { addUsage, costUsd, emptyUsage } from "./model/prices.js";
import { DEFAULT_COMPACT_AT } from "../config/compact-at.js";
import type { Rule } from "../config/permission-rule.js";
import { decide } from "./permissions/rules.js";
import { TreeBudget } from "./tree-budget.js";
import { runTool } from "../tools/define-tool.js";
import type { ToolSpec } from "../tools/tool-spec.js";
import type { Tool, ToolContext, ToolResult } from "../tools/tool-types.js";

export interface AgentLimits {
  maxTurns: number;
  maxCostUsd: number;
  timeoutMs: number;
}

export interface Verification {
  /** The repository's test command; none means "could not be run", said plainly in the result. */
  command: string | undefined;
  /** How many times failures go back to the model before the run ends with them. */
  maxAttempts: number;
  run(command: string, signal: AbortSignal): Promise<{ passed: boolean; output: string }>;
}

export interface ContextOptions {
  /** The model's context window in tokens (default 200,000). */
  windowTokens?: number;
  /** Compact when the context passes this share of the window (default DEFAULT_COMPACT_AT, 0.45)... */
  triggerShare?: number;
  /**
   * ...down to this share (default two thirds of the trigger): big, rare steps, because every rewrite
   * costs a cache write.
   */
  targetShare?: number;
  /** Summarise what is dropped with a model call (level 4); off, it is only dropped (level 3). */
  summarize?: boolean;
}

/** What the model was sent so far: a fork starts from exactly this, so it reads the parent's cache. */
export interface Conversation {
  system: SystemBlock[];
  tools: ToolSpec[];
  messages: readonly Message[];
}

export interface AgentOptions {
  model: ModelClient;
  modelName: string;
  system: SystemBlock[];
  instruction: string;
  tools: readonly Tool[];
  rules: readonly Rule[];
  toolContext: ToolContext;
  limits: AgentLimits;
  verification?: Verification;
  maxTokens?: number;
  /** Context management; default: a 200,000-token window, compaction with summaries. */
  context?: ContextOptions;
  /** Instructions of the folders a path lies in, not given before (the root's are in the system prompt). */
  instructionsFor?: (path: string) => Promise<{ text: string; files: string[]; warning?: string }>;
  now?: () => number;
  signal?: AbortSignal;
  /**
   * The run's limits when several agents share them (sub-agents): every turn and every model call is
   * charged there, and checked there before each turn. Without it, the agent's own `limits` hold.
   */
  budget?: TreeBudget;
  /** The conversation to continue instead of one message with `instruction` (a fork's). */
  start?: Message[];
  /** Given the conversation before the tools of each turn run, so a tool can fork from it. */
  onConversation?: (conversation: Conversation) => void;
}

const VERIFY_OUTPUT_CHARS = 6000;
// Anthropic's current models take 200,000 tokens of context.
const DEFAULT_WINDOW_TOKENS = 200_000;

/**
 * The harness: ask the model, run the tools it asks for (within the permission rules), hand back the
 * results, until it is done or a limit is reached. Yields typed events; returns the result. Tool errors
 * are data for the model; a model failure ends the run with a sentence for a person.
 */
export async function* runAgent(o: AgentOptions): AsyncGenerator<AgentEvent, AgentResult> {
  const now = o.now ?? Date.now;
  let messages: Message[] = o.start ? [...o.start] : [{ role: "user", content: o.instruction }];
  const budget = o.budget ?? new TreeBudget(o.limits, now);
  const window = o.context?.windowTokens ?? DEFAULT_WINDOW_TOKENS;
  const triggerShare = o.context?.triggerShare ?? DEFAULT_COMPACT_AT;
  const trigger = Math.floor(window * triggerShare);
  const target = Math.floor(window * (o.context?.targetShare ?? (triggerShare * 2) / 3));
  const baseTokens = estimateTokens(JSON.stringify({ system: o.system, tools: o.tools.map((t) => t.spec) }));
  // The reports include the system prompt and tools: the meter counts them once, the estimate until then.
  const meter = new ContextMeter(baseTokens);
  const breaker = new CompactionBreaker();
  const byName = new Map(o.tools.map((t) => [t.name, t]));
  const loops = new LoopDetector();
  let usage: Usage = emptyUsage();
  let cost = 0;
  let costKnown = true;
  let turns = 0;
  let finalText = "";
  let verification: VerificationOutcome = o.verification?.command ? "not_run" : "no_command";
  let verifyAttempts = 0;
  let sent = 0;

  const result = (outcome: AgentResult["outcome"], reason: string): AgentResult => ({
    outcome,
    reason,
    turns,
    usage,
    costUsd: cost,
    costKnown,
    verification,
    finalText,
  });
  const limit = (kind: LimitKind, detail: string): [AgentEvent, AgentEvent] => {
    const r = result("limit", detail);
    return [
      { type: "limit_reached", limit: kind, detail },
      { type: "finished", result: r },
    ];
  };

  for (;;) {
    if (o.signal?.aborted) {
      const r = result("aborted", "The run was stopped on request.");
      yield { type: "failed", result: r };
      return r;
    }
    const over = budget.reached();
    if (over) {
      const reached = limit(over.kind, over.detail);
      yield* reached;
      return (reached[1] as { result: AgentResult }).result;
    }

    turns++;
    budget.chargeTurn();
    yield { type: "turn_started", turn: turns };
    if (meter.current(messages) > trigger) {
      if (!breaker.open) {
        const summarizer =
          o.context?.summarize === false
            ? undefined
            : async (_dropped: Message[], keptFrom: number): Promise<string> => {
                // The previous request's tools, system and messages, byte for byte, with its rolling
                // breakpoint where it was (`sent` is still its length here), then the instruction: the
                // summary reads the whole history from the cache and pays only for what follows it.
                const prefix = sent > 0 ? messages.slice(0, sent) : messages;
                const keptTurns = prefix.slice(keptFrom).filter((m) => m.role === "assistant").length;
                const reply = await o.model.send({
                  model: o.modelName,
                  system: o.system,
                  messages: [...prefix, { role: "user", content: summaryInstruction(keptTurns) }],
                  tools: o.tools.map((t) => t.spec),
                  maxTokens: 2048,
                  cacheBreakpointAt: prefix.length - 1,
                  ...(o.signal ? { signal: o.signal } : {}),
                });
                usage = addUsage(usage, reply.usage);
                const spent = costUsd(reply.model || o.modelName, reply.usage).usd;
                cost += spent;
                budget.chargeModel(reply.usage, spent);
                return reply.content
                  .map((b) => (b.type === "text" ? b.text : ""))
                  .join("")
                  .trim();
              };
        const compacted = await compact(messages, {
          targetTokens: target - baseTokens,
          triggerTokens: trigger - baseTokens,
          ...(summarizer ? { summarizer } : {}),
          breaker,
        });
        messages = compacted.messages;
        meter.reset();
        // The history was rewritten: the transcript's next request record carries all of it again.
        sent = 0;
        yield {
          type: "compacted",
          level: compacted.level,
          beforeTokens: compacted.beforeTokens,
          afterTokens: compacted.afterTokens,
          ...(compacted.failed ? { failed: compacted.failed } : {}),
        };
      } else if (meter.current(messages) > window) {
        yield* limit("context", `The run stopped: ${BREAKER_REASON}, and the context is full.`);
        return result("limit", `The run stopped: ${BREAKER_REASON}, and the context is full.`);
      }
    }
    const request = {
      model: o.modelName,
      system: o.system,
      messages,
      tools: o.tools.map((t) => t.spec),
      maxTokens: o.maxTokens ?? 8192,
    };
    yield {
      type: "model_request",
      turn: turns,
      firstMessage: sent,
      request: {
        ...request,
        system: turns === 1 ? request.system : [],
        tools: turns === 1 ? request.tools : [],
        messages: structuredClone(messages.slice(sent)),
      },
    };
    sent = messages.length;
    let response;
    try {
      response = await o.model.send({ ...request, ...(o.signal ? { signal: o.signal } : {}) });
    } catch (err) {
      const r = result(
        o.signal?.aborted ? "aborted" : "failed",
        err instanceof ModelError
          ? err.message
          : `The model call failed: ${String((err as Error)?.message ?? err)}`,
      );
      yield { type: "failed", result: r };
      return r;
    }
    meter.observe(response.usage, messages.length);
    usage = addUsage(usage, response.usage);
    const turnCost = costUsd(response.model || o.modelName, response.usage);
    cost += turnCost.usd;
    budget.chargeModel(response.usage, turnCost.usd);
    costKnown &&= turnCost.known;
    yield { type: "model_response", turn: turns, response, costUsd: cost };
    const text = response.content
      .filter((b): b is Extract<ContentBlock, { type: "text" }> => b.type === "text")
      .map((b) => b.text)
      .join("\n")
      .trim();
    if (text) {
      finalText = text;
      yield { type: "model_text", turn: turns, text };
    }
    messages.push({ role: "assistant", content: response.content });

    const calls = response.content.filter(
      (b): b is Extract<ContentBlock, { type: "tool_use" }> => b.type === "tool_use",
    );
    if (calls.length === 0) {
      // The model says it is done: check its work with the repository's tests before believing it.
      const v = o.verification;
      if (!v?.command) {
        const r = result("finished", "The model finished; there is no test command to verify the work.");
        yield { type: "finished", result: r };
        return r;
      }
      verifyAttempts++;
      const { passed, output } = await v.run(v.command, o.signal ?? new AbortController().signal);
      verification = passed ? "passed" : "failed";
      yield {
        type: "verification",
        command: v.command,
        passed,
        output: tail(output),
        attempt: verifyAttempts,
      };
      if (passed || verifyAttempts > v.maxAttempts) {
        const r = result(
          "finished",
          passed
            ? `The model finished and \`${v.command}\` passed.`
            : `The model finished, but \`${v.command}\` still fails.`,
        );
        yield { type: "finished", result: r };
        return r;
      }
      messages.push({
        role: "user",
        content: `The tests fail (\`${v.command}\`). Fix the cause, then say you are done.\n\n${tail(output)}`,
      });
      continue;
    }

    o.onConversation?.({ system: request.system, tools: request.tools, messages });
    // Calls of a parallel tool (sub-agents) start together; the others run one by one, in order.
    const t0s = new Map<string, number>();
    const early = new Map<string, Promise<ToolResult>>();
    for (const call of calls) {
      if (byName.get(call.name)?.parallel !== true) continue;
      t0s.set(call.id, now());
      early.set(call.id, callTool(call, byName, o.rules, o.toolContext));
    }
    const results: ContentBlock[] = [];
    let stop: string | undefined;
    for (const call of calls) {
      yield { type: "tool_requested", turn: turns, id: call.id, name: call.name, input: call.input };
      const t0 = t0s.get(call.id) ?? now();
      const outcome = await (early.get(call.id) ?? callTool(call, byName, o.rules, o.toolContext));
      const loop = loops.observe(call.name, call.input);
      let content = outcome.content;
      const path = (call.input as { path?: unknown } | null)?.path;
      if (o.instructionsFor && typeof path === "string" && path) {
        const found = await o.instructionsFor(path);
        if (found.files.length || found.warning) {
          yield {
            type: "instructions",
            files: found.files,
            ...(found.warning ? { warning: found.warning } : {}),
          };
        }
        if (found.text) content += `\n\nInstructions for this part of the repository:\n${found.text}`;
      }
      if (loop === "warn") {
        content +=
          "\n\nYou have made this exact call several times in a row with the same result. Try another approach.";
      } else if (loop === "stop") {
        stop = `The run stopped: the model repeated the same ${call.name} call without making progress.`;
      }
      yield {
        type: "tool_result",
        turn: turns,
        id: call.id,
        name: call.name,
        isError: outcome.isError,
        content,
        ms: now() - t0,
      };
      results.push({
        type: "tool_result",
        tool_use_id: call.id,
        content,
        ...(outcome.isError ? { is_error: true } : {}),
      });
    }
    const failing = loops.observeTurn(results.every((r) => r.type === "tool_result" && r.is_error === true));
    if (failing === "warn") {
      results.push({
        type: "text",
        text: "Every tool call of your last turns failed. Stop and reconsider: read the errors, then take another approach.",
      });
    } else if (failing === "stop") {
      stop = "The run stopped: turn after turn, every tool call failed.";
    }
    messages.push({ role: "user", content: results });
    if (stop) {
      yield* limit("loop", stop);
      return result("limit", stop);
    }
  }
}

async function callTool(
  call: { name: string; input: unknown },
  byName: Map<string, Tool>,
  rules: readonly Rule[],
  ctx: ToolContext,
): Promise<{ content: string; isError: boolean }> {
  const tool = byName.get(call.name);
  if (!tool) return { content: `There is no tool called ${call.name}.`, isError: true };
  const parsed = tool.input.safeParse(call.input);
  if (parsed.success) {
    const verdict = decide(rules, tool.name, tool.subject(parsed.data));
    if (!verdict.allowed) return { content: verdict.reason, isError: true };
  }
  return runTool(tool, call.input, ctx);
}

function tail(output: string): string {
  return output.length <= VERIFY_OUTPUT_CHARS
    ? output
    : `…(${output.length - VERIFY_OUTPUT_CHARS} characters cut)\n${output.slice(-VERIFY_OUTPUT_CHARS)}`;
}
