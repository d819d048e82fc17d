import { isDeepStrictEqual } from "node:util";
import PQueue from "p-queue";
import type { AgentEvent, AgentNode, AgentResult } from "../../agent/events.js";
import { runAgent, type AgentOptions, type ContextOptions, type Conversation } from "../../agent/loop.js";
import type { ContentBlock, Message, ModelClient, SystemBlock } from "../../agent/model-types.js";
import type { PolicyRule } from "../../agent/permissions/rules.js";
import type { TreeBudget } from "../../agent/tree-budget.js";
import { truncateMiddle } from "../../tools/define-tool.js";
import type { AnyTool } from "../../tools/index.js";
import { createMailboxTools, LEAD as LEAD_NAME, type Mailbox } from "../../tools/mailbox.js";
import { createTaskTool, TASK_TOOL, TaskInput } from "../../tools/task-tool.js";
import type { ToolContext, ToolResult } from "../../tools/tool-types.js";
import { mergeBranch } from "../../workspace/merge-branch.js";
import { commitAll, headOf, type Identity, type Worktree } from "../../workspace/worktree.js";
import {
  forkDirective,
  NOT_YOUR_CALL,
  teammateDirective,
  teammateRole,
  workDirective,
} from "./directives.js";

/** A sub-agent may start sub-agents of its own, down to this depth (the run's agent is depth 0). */
export const MAX_DEPTH = 2;
/** Characters of a sub-agent's final report its parent gets. */
export const REPORT_CAP = 6000;

/** A work sub-agent's own place: a worktree on a new branch and a sandbox over it. */
export interface Workspace {
  wt: Worktree;
  ctx: ToolContext;
  /** Stops its sandbox; removes the worktree and branch unless `keep` (a merge conflict to look at). */
  dispose(keep: boolean): Promise<void>;
}

export interface SubAgentsOptions {
  model: ModelClient;
  modelName: string;
  maxTokens?: number;
  context?: ContextOptions;
  /** The run's limits, shared by every agent of the run. */
  budget: TreeBudget;
  limits: AgentOptions["limits"];
  /** How many sub-agents run at once at each depth. */
  concurrency: number;
  /** The run's system prompt: forks and work sub-agents keep it, teammates keep all but its first block. */
  system: SystemBlock[];
  /**
   * The run's tools, read-only and writing variants in the same order with the same specs; every agent
   * gets them plus the task and mailbox tools, so a fork's tool list is its parent's, byte for byte.
   */
  tools: { read: readonly AnyTool[]; write: readonly AnyTool[] };
  /** The permission rules of sub-agents that only look, and of work sub-agents. */
  rules: { read: readonly PolicyRule[]; write: readonly PolicyRule[] };
  mailbox: Mailbox;
  instructionsFor?: AgentOptions["instructionsFor"];
  /** Where work sub-agents' commits are merged; without it (read-only runs) there are no work sub-agents. */
  leadWorktree?: Worktree;
  openWorkspace?: (name: string, base: string) => Promise<Workspace>;
  author: Identity;
  /** Every event of every sub-agent, with the sub-agent's name. */
  onEvent: (agent: string, event: AgentEvent) => void;
  now?: () => number;
}

interface Parent {
  name: string;
  depth: number;
  node: AgentNode | undefined;
  access: "read" | "write";
}

/**
 * The sub-agents of one run: the `task` tool of each agent, the tree of who started whom with each one's
 * figures, and the queues that bound how many run at once.
 */
export class SubAgents {
  readonly tree: AgentNode[] = [];
  private count = 0;
  private readonly queues: PQueue[];
  private readonly conversations = new Map<string, Conversation>();
  private readonly worktrees = new Map<string, Worktree>();
  private readonly running = new Set<Promise<unknown>>();
  // Merges into a worktree one at a time: git locks HEAD, and each merge must see the one before.
  private merging: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: SubAgentsOptions) {
    // One queue per depth: a sub-agent waiting for its children never holds the slot they need.
    this.queues = Array.from({ length: MAX_DEPTH }, () => new PQueue({ concurrency: o.concurrency }));
    if (o.leadWorktree) this.worktrees.set(LEAD_NAME, o.leadWorktree);
  }

  /** The run's own agent: its tools (with `task`) and the hook that lets its forks see its conversation. */
  lead(access: "read" | "write"): { tools: AnyTool[]; onConversation: (c: Conversation) => void } {
    const parent: Parent = { name: LEAD_NAME, depth: 0, node: undefined, access };
    return { tools: this.toolsOf(parent), onConversation: (c) => this.conversations.set(LEAD_NAME, c) };
  }

  /**
   * Resolves when no sub-agent is running any more. A cancelled tool call returns at once, while its
   * sub-agent stops at its next step: the run waits for this before it cleans up.
   */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** A sub-agent of the run's own agent, started by the harness (the coordinator), not by a tool call. */
  startFromLead(input: TaskInput, ctx: ToolContext): Promise<ToolResult> {
    return this.start(input, ctx, { name: LEAD_NAME, depth: 0, node: undefined, access: "write" });
  }

  /** Starts one sub-agent for `parent` and waits for it; a refusal or failure is a result, never a throw. */
  private async start(input: TaskInput, ctx: ToolContext, parent: Parent): Promise<ToolResult> {
    const depth = parent.depth + 1;
    if (depth > MAX_DEPTH) {
      return refused(
        `Sub-agents cannot start sub-agents of their own beyond ${MAX_DEPTH} levels: do it yourself.`,
      );
    }
    if (input.mode === "work" && (parent.access === "read" || !this.worktrees.has(parent.name))) {
      return refused(
        "A work sub-agent needs a parent that may change files; this agent only reads. Use fork or teammate.",
      );
    }
    const name = `agent-${++this.count}`;
    const node: AgentNode = {
      name,
      mode: input.mode,
      description: input.description,
      depth,
      outcome: "refused",
      reason: "It did not start.",
      turns: 0,
      usage: { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      costUsd: 0,
      children: [],
    };
    (parent.node?.children ?? this.tree).push(node);
    // The fork's starting point is the conversation as it is now, not when a queue slot frees up.
    const seen = this.conversations.get(parent.name);
    const conversation = seen && { ...seen, messages: [...seen.messages] };
    const started = this.queues[depth - 1]!.add(() => {
      if (ctx.signal.aborted) return refused(`${name} did not start: the run was stopped.`, node);
      const over = this.o.budget.reached();
      if (over) return refused(`${name} did not start: ${over.detail}`, node);
      const me: Parent = { name, depth, node, access: input.mode === "work" ? "write" : "read" };
      switch (input.mode) {
        case "fork":
          return this.fork(input, ctx, me, conversation);
        case "teammate":
          return this.teammate(input, ctx, me);
        case "work":
          return this.work(input, ctx, me, this.worktrees.get(parent.name)!);
      }
    });
    this.running.add(started);
    try {
      return (await started) ?? refused(`${name} did not run.`, node);
    } finally {
      this.running.delete(started);
    }
  }

  private toolsOf(agent: Parent): AnyTool[] {
    const launch = createTaskTool(
      (input, ctx) => this.start(input, ctx, agent),
      this.o.concurrency,
    ) as AnyTool;
    const mailbox = createMailboxTools(this.o.mailbox, agent.name) as AnyTool[];
    return [...this.o.tools[agent.access], launch, ...mailbox];
  }

  private async fork(
    input: TaskInput,
    ctx: ToolContext,
    me: Parent,
    conversation: Conversation | undefined,
  ): Promise<ToolResult> {
    const last = conversation?.messages.at(-1);
    if (!conversation || last?.role !== "assistant" || typeof last.content === "string") {
      return refused(`${me.name} could not fork: there is no conversation to start from.`, me.node);
    }
    const calls = last.content.filter(
      (b): b is Extract<ContentBlock, { type: "tool_use" }> => b.type === "tool_use",
    );
    const own = calls.find(
      (b) => b.name === TASK_TOOL && isDeepStrictEqual(TaskInput.safeParse(b.input).data, input),
    );
    // The API wants a result for every call of the turn: the fork's own carries its task.
    const answer: Message = {
      role: "user",
      content: calls.map((b) => ({
        type: "tool_result" as const,
        tool_use_id: b.id,
        content: b === own ? forkDirective(me.name, input) : NOT_YOUR_CALL,
      })),
    };
    return this.run(input, me, {
      system: conversation.system,
      start: [...conversation.messages, answer],
      toolContext: ctx,
    });
  }

  private teammate(input: TaskInput, ctx: ToolContext, me: Parent): Promise<ToolResult> {
    const rest = this.o.system.slice(1).map((b) => ({ text: b.text }));
    const system: SystemBlock[] = [{ text: teammateRole(me.name) }, ...rest];
    system.at(-1)!.cache = true;
    return this.run(input, me, {
      system,
      start: [{ role: "user", content: teammateDirective(me.name, input) }],
      toolContext: ctx,
    });
  }

  private async work(input: TaskInput, _ctx: ToolContext, me: Parent, into: Worktree): Promise<ToolResult> {
    const open = this.o.openWorkspace!;
    let ws: Workspace;
    try {
      ws = await open(me.name, await headOf(into));
    } catch (err) {
      return refused(`${me.name} could not get a worktree: ${(err as Error).message}`, me.node);
    }
    this.worktrees.set(me.name, ws.wt);
    let keep = false;
    try {
      const outcome = await this.run(input, me, {
        system: this.o.system,
        start: [{ role: "user", content: workDirective(me.name, input) }],
        toolContext: ws.ctx,
      });
      if (me.node!.outcome !== "finished") return outcome;
      const commit = await commitAll(ws.wt, `${input.description}\n\nWork of ${me.name}.`, this.o.author);
      if (!commit) return { isError: false, content: `${outcome.content}\n\n${me.name} changed no file.` };
      const merge = this.merging.then(() =>
        mergeBranch(into, ws.wt.branch, `Merge ${me.name}: ${input.description}`, this.o.author),
      );
      this.merging = merge.catch(() => undefined);
      const merged = await merge;
      if (merged.merged) {
        me.node!.merge = { commit: merged.commit };
        return { isError: false, content: `${outcome.content}\n\nIts commit is merged into your worktree.` };
      }
      keep = true;
      me.node!.merge = { conflicts: merged.conflicts, branch: ws.wt.branch };
      return {
        isError: true,
        content:
          `${outcome.content}\n\nIts commit could not be merged into your worktree (${merged.reason}); ` +
          `nothing of it was applied. Conflicting paths: ${merged.conflicts.map((p) => `\`${p}\``).join(", ") || "(git named none)"}. ` +
          `Its work is kept on branch \`${ws.wt.branch}\` until the end of the run: look at it with ` +
          `\`git diff HEAD...${ws.wt.branch}\` or \`git show ${ws.wt.branch}:<path>\`, then make the change ` +
          `yourself, or leave it.`,
      };
    } finally {
      this.worktrees.delete(me.name);
      await ws.dispose(keep);
    }
  }

  private async run(
    input: TaskInput,
    me: Parent,
    how: { system: SystemBlock[]; start: Message[]; toolContext: ToolContext },
  ): Promise<ToolResult> {
    const o = this.o;
    const loop = runAgent({
      model: o.model,
      modelName: o.modelName,
      system: how.system,
      instruction: input.prompt,
      start: how.start,
      tools: this.toolsOf(me),
      rules: o.rules[me.access],
      toolContext: how.toolContext,
      limits: o.limits,
      budget: o.budget,
      onConversation: (c) => this.conversations.set(me.name, c),
      ...(o.maxTokens ? { maxTokens: o.maxTokens } : {}),
      ...(o.context ? { context: o.context } : {}),
      ...(o.instructionsFor ? { instructionsFor: o.instructionsFor } : {}),
      ...(o.now ? { now: o.now } : {}),
      signal: how.toolContext.signal,
    });
    let result: AgentResult;
    try {
      for (;;) {
        const next = await loop.next();
        if (next.done) {
          result = next.value;
          break;
        }
        o.onEvent(me.name, next.value);
      }
    } finally {
      this.conversations.delete(me.name);
    }
    Object.assign(me.node!, {
      outcome: result.outcome,
      reason: result.reason,
      turns: result.turns,
      usage: result.usage,
      costUsd: result.costUsd,
    });
    const head = `${me.name} (${input.mode}: ${input.description}) ${
      result.outcome === "finished" ? "finished" : `stopped: ${result.reason}`
    } after ${result.turns} turn${result.turns === 1 ? "" : "s"}, $${result.costUsd.toFixed(4)}.`;
    const report = result.finalText.trim()
      ? `Its report:\n\n${truncateMiddle(result.finalText.trim(), REPORT_CAP)}`
      : "It gave no report.";
    return { isError: result.outcome !== "finished", content: `${head}\n\n${report}` };
  }
}

function refused(content: string, node?: AgentNode): ToolResult {
  if (node) node.reason = content;
  return { isError: true, content };
}
