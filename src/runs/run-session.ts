import { randomUUID } from "node:crypto";
import { realpath } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { unbuiltFlagNotes } from "../config/flags.js";
import type { RepoConfig } from "../config/schema.js";
import type { Finding } from "../guard/finding.js";
import { withKnownSecrets } from "../guard/known-secrets.js";
import { createRedactor, scan } from "../guard/scan.js";
import { policyFor } from "../agent/permissions/policies.js";
import { runHarnessCommand } from "../tools/bash.js";
import { toolsFor, type AnyTool } from "../tools/index.js";
import { detectTestCommand } from "../agent/detect-test-command.js";
import { gitRefSource, InstructionLoader, worktreeSource } from "../agent/instructions/load-instructions.js";
import { buildRepoMap } from "../agent/repo-map/index.js";
import { BranchMemoryStore } from "../memory/memory-store.js";
import { createMemoryTool, MEMORY_TOOL_NAME } from "../memory/memory-tool.js";
import { TreeBudget } from "../agent/tree-budget.js";
import { Mailbox, READ_MESSAGES_TOOL, SEND_MESSAGE_TOOL } from "../tools/mailbox.js";
import { TASK_TOOL } from "../tools/task-tool.js";
import { SubAgents, type Workspace } from "./sub-agents/launcher.js";
import { integrationPrompt, planParts } from "./sub-agents/coordinator.js";
import type { AgentEvent, AgentResult } from "../agent/events.js";
import { runAgent, type AgentLimits } from "../agent/loop.js";
import type { ModelClient } from "../agent/model-types.js";
import { systemPrompt, type RunMode } from "../agent/system-prompt.js";
import { Transcript } from "../agent/transcript.js";
import { git, verifyGitDir } from "../workspace/git.js";
import type { SandboxHost } from "../workspace/sandbox/open-sandbox.js";
import { openRunSandbox } from "../workspace/sandbox/run-sandbox.js";
import { credentialValues } from "../workspace/sandbox/scrubbed-env.js";
import { slug } from "../workspace/branch-name.js";
import {
  changedFiles,
  commitAll,
  createWorktree,
  freeBranchName,
  headOf,
  removeWorktree,
  type Identity,
  type Worktree,
} from "../workspace/worktree.js";

// Enough for the outline of the files that matter, small against a 200,000-token window.
const REPO_MAP_TOKENS = 4000;

export interface RunSessionOptions {
  repo: string;
  /** What was asked: names the branch and the commit. */
  instruction: string;
  /** The run's first message to the model, when it says more than the instruction (quoted context). */
  prompt?: string;
  /** The commit's subject, when not the instruction's first line. */
  commitTitle?: string;
  /** Lines at the end of the commit message, such as `Co-authored-by:`. */
  trailers?: string[];
  /** The local branch the run commits on; by default a free name from the prefix and instruction. */
  branch?: string;
  runId?: string;
  /**
   * The commit whose instruction files the run follows, when not the worktree's own: a pull request's
   * base, since its head may be written by anyone.
   */
  instructionsFrom?: string;
  /** Where the transcript goes; by default inside the repository's .git, never committed. */
  transcriptDir?: string;
  /** Tools the surface adds (a progress checklist), each allowed for any input. */
  extraTools?: AnyTool[];
  mode: RunMode;
  base?: string;
  model: ModelClient;
  modelName: string;
  limits: AgentLimits;
  config: RepoConfig;
  author: Identity;
  keep: boolean;
  env: NodeJS.ProcessEnv;
  commandTimeoutMs?: number;
  /** Every event of the run's agent, and of its sub-agents with the sub-agent's name as `agent`. */
  onEvent?: (event: AgentEvent, agent?: string) => void;
  signal?: AbortSignal;
  /** What the host offers for sandboxing; read from `env` unless given (tests). */
  sandboxHost?: SandboxHost;
}

export interface RunSessionResult {
  runId: string;
  agent: AgentResult;
  branch: string | undefined;
  commit: string | undefined;
  files: string[];
  blockedBy: Finding[];
  transcriptPath: string;
  worktree: string | undefined;
  /** What confined the agent's commands, in a few words; or why they were all refused. */
  sandbox: string;
  /** Things the person should know, such as instruction files cut at the cap. */
  warnings: string[];
}

/**
 * One agent run, whatever started it (the CLI, a mention through the App or the Action): a worktree on a
 * new branch, so the checkout it starts from is never touched; one sandbox with its own HOME and scratch
 * folder, disposed at the end; the transcript. Only a finished run is committed, and only when the leak
 * guard passes.
 */
export async function runSession(o: RunSessionOptions): Promise<RunSessionResult> {
  // The harness's own credentials never leave, whatever their format (a key no rule knows yet).
  const guard = withKnownSecrets(o.config.guard, credentialValues(o.env));
  const repo = (await git(resolve(o.repo), ["rev-parse", "--show-toplevel"])).trim();
  const gitDir = resolve(repo, (await git(repo, ["rev-parse", "--git-common-dir"])).trim());
  const runId = o.runId ?? randomUUID().slice(0, 8);
  const branch =
    o.branch ?? (await freeBranchName(repo, `${o.config.branchPrefix}${slug(o.instruction)}-${runId}`));
  const wt = await createWorktree(repo, o.base ?? "HEAD", branch);
  // Inside .git: never committed, never in the worktree the model can read.
  const transcript = await Transcript.open(
    join(o.transcriptDir ?? join(gitDir, "patchwright", "runs"), `${runId}.jsonl`),
    createRedactor(guard),
  );
  const root = await realpath(wt.path);
  const run = await openRunSandbox({
    hostEnv: o.env,
    passEnv: o.config.agent.env,
    root,
    // The git metadata and the saved command output can be read, never written.
    readable: [wt.commonDir],
    network: o.config.agent.network,
    readOnly: o.mode !== "implement",
    host: o.sandboxHost,
  }).catch(async (err: unknown) => {
    await removeWorktree(wt).catch(() => undefined);
    await git(repo, ["branch", "-D", branch]).catch(() => undefined);
    throw err;
  });
  const { sandbox } = run;
  const ctx = {
    root,
    env: run.env,
    scratchDir: run.scratchDir,
    signal: o.signal ?? new AbortController().signal,
    commandTimeoutMs: o.commandTimeoutMs ?? o.config.agent.commandTimeoutSeconds * 1000,
    sandbox,
  };
  // Work sub-agents' worktrees whose merge conflicted: kept for the model to look at until the end.
  const keptWorktrees: Worktree[] = [];
  // Whatever happens, the temporary worktree and folders go; a branch stays only if it holds a commit.
  const cleanUp = async (keepBranch: boolean): Promise<void> => {
    await run.dispose();
    await transcript.close().catch(() => undefined);
    for (const kept of keptWorktrees) {
      if (!o.keep) await removeWorktree(kept).catch(() => undefined);
      if (!o.keep) await git(repo, ["branch", "-D", kept.branch]).catch(() => undefined);
    }
    if (!o.keep) await removeWorktree(wt).catch(() => undefined);
    if (!keepBranch) await git(repo, ["branch", "-D", branch]).catch(() => undefined);
  };
  try {
    return await runInWorktree();
  } catch (err) {
    await cleanUp(false);
    throw err;
  }

  async function runInWorktree(): Promise<RunSessionResult> {
    const testCommand =
      o.mode === "implement"
        ? o.config.agent.testCommand.trim() || (await detectTestCommand(root))
        : undefined;
    const sandboxLine = run.description;
    transcript.write({
      type: "run_started",
      runId,
      mode: o.mode,
      branch,
      base: wt.baseSha,
      model: o.modelName,
      sandbox: sandboxLine,
    });

    // The root's instructions go in the cached system prompt; a folder's join the run when it is touched.
    const instructions = new InstructionLoader(
      o.instructionsFrom ? gitRefSource(repo, o.instructionsFrom) : worktreeSource(root),
    );
    const rootInstructions = await instructions.load("");
    const warnings = [
      ...unbuiltFlagNotes(o.config.features),
      ...(rootInstructions.warning ? [rootInstructions.warning] : []),
    ];
    if (sandbox.kind === "unavailable") {
      warnings.push(
        `No command ran in this run: ${sandbox.reason} The tests were not run either; set PATCHWRIGHT_SANDBOX (see docs/security.md).`,
      );
    }
    transcript.write({
      type: "instructions",
      files: rootInstructions.files,
      warning: rootInstructions.warning ?? null,
    });

    // Long-term memory (a feature flag): notes on the patchwright/memory branch, read and written with
    // Anthropic's memory tool, committed at the end of the run after the leak guard.
    const memory = o.config.features.memory ? new BranchMemoryStore({ repoDir: repo, guard }) : undefined;
    const memoryIndex = memory ? await memory.notesIndex() : "";
    const extra = o.extraTools ?? [];
    const memoryTools = memory ? [createMemoryTool(memory)] : [];
    const access = o.mode === "implement" ? "write" : "read";
    const tools = {
      read: [...toolsFor("read"), ...extra, ...memoryTools],
      write: [...toolsFor("write"), ...extra, ...memoryTools],
    };
    const allowAll = (name: string) => ({ tool: name, pattern: "*", decision: "allow" as const });
    const subAgentsOn = o.config.features.subAgents;
    // The run's tools the surface added (the checklist) are the run's own agent's, not its sub-agents'.
    const rulesOf = (mode: RunMode, lead: boolean) =>
      policyFor(
        mode,
        [
          ...(memory ? [allowAll(MEMORY_TOOL_NAME)] : []),
          ...(lead ? extra.map((t) => allowAll(t.name)) : []),
          ...(subAgentsOn ? [TASK_TOOL, SEND_MESSAGE_TOOL, READ_MESSAGES_TOOL].map(allowAll) : []),
          ...o.config.agent.rules,
        ],
        { allowWorkflowChanges: o.config.workflows.allowChanges },
      );
    const system = systemPrompt(o.mode, {
      instructions: rootInstructions.text,
      memoryIndex,
      repoMap: (await buildRepoMap(root, { budgetTokens: REPO_MAP_TOKENS, query: o.instruction })).text,
    });
    const instructionsFor = (path: string) => {
      const rel = relative(root, resolve(root, path)).split(sep).join("/");
      return rel.startsWith("..") || isAbsolute(rel)
        ? Promise.resolve({ text: "", files: [] })
        : instructions.forPath(rel);
    };
    const budget = new TreeBudget(o.limits);
    const context = { triggerShare: o.config.agent.compactAt };
    const openWorkspace = async (name: string, base: string): Promise<Workspace> => {
      const subWt = await createWorktree(repo, base, await freeBranchName(repo, `${branch}-${name}`));
      const dropWorktree = async (): Promise<void> => {
        await removeWorktree(subWt).catch(() => undefined);
        await git(repo, ["branch", "-D", subWt.branch]).catch(() => undefined);
      };
      const subRoot = await realpath(subWt.path);
      // The same sandbox as the run's, over the sub-agent's own worktree.
      const subRun = await openRunSandbox({
        hostEnv: o.env,
        passEnv: o.config.agent.env,
        root: subRoot,
        readable: [subWt.commonDir],
        network: o.config.agent.network,
        readOnly: false,
        host: o.sandboxHost,
      }).catch(async (err: unknown) => {
        await dropWorktree();
        throw err;
      });
      return {
        wt: subWt,
        ctx: {
          ...ctx,
          root: subRoot,
          env: subRun.env,
          scratchDir: subRun.scratchDir,
          sandbox: subRun.sandbox,
        },
        dispose: async (keep) => {
          await subRun.dispose();
          if (keep) keptWorktrees.push(subWt);
          else await dropWorktree();
        },
      };
    };
    const subAgents = subAgentsOn
      ? new SubAgents({
          model: o.model,
          modelName: o.modelName,
          budget,
          limits: o.limits,
          concurrency: o.config.agent.subAgentConcurrency,
          context,
          system,
          tools,
          rules: { read: rulesOf("answer", false), write: rulesOf("implement", false) },
          // Harness-written, in the scratch folder the sandbox can read but not write.
          mailbox: new Mailbox(join(run.scratchDir, "mailbox.jsonl")),
          instructionsFor,
          ...(access === "write" ? { leadWorktree: wt, openWorkspace } : {}),
          author: o.author,
          onEvent: (name, event) => {
            transcript.write({ ...event, agent: name });
            o.onEvent?.(event, name);
          },
        })
      : undefined;
    const lead = subAgents?.lead(access);
    const leadTools = lead?.tools ?? tools[access];

    let prompt = o.prompt ?? o.instruction;
    if (subAgents && o.mode === "implement" && o.config.agent.coordinator === "auto") {
      const plan = await planParts({
        model: o.model,
        modelName: o.modelName,
        system,
        tools: leadTools.map((t) => t.spec),
        instruction: prompt,
        budget,
        ...(o.signal ? { signal: o.signal } : {}),
      }).catch((err: Error) => ({ parts: [], note: `the plan step failed: ${err.message}` }));
      transcript.write({ type: "coordinator_plan", parts: plan.parts, note: plan.note ?? null });
      if (plan.parts.length >= 2) {
        const results = await Promise.all(
          plan.parts.map((part) => subAgents.startFromLead({ mode: "work", ...part }, ctx)),
        );
        prompt = integrationPrompt(prompt, plan.parts, results);
      }
    }

    const loop = runAgent({
      model: o.model,
      modelName: o.modelName,
      system,
      instructionsFor,
      instruction: prompt,
      tools: leadTools,
      rules: rulesOf(o.mode, true),
      toolContext: ctx,
      limits: o.limits,
      budget,
      context,
      ...(lead ? { onConversation: lead.onConversation } : {}),
      ...(testCommand && sandbox.kind !== "unavailable"
        ? {
            verification: {
              command: testCommand,
              maxAttempts: 2,
              run: (command: string, signal: AbortSignal) =>
                runHarnessCommand(command, { ...ctx, signal, commandTimeoutMs: 10 * 60_000 }),
            },
          }
        : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    let agent: AgentResult;
    for (;;) {
      const next = await loop.next();
      if (next.done) {
        agent = next.value;
        break;
      }
      transcript.write(next.value);
      if (next.value.type === "instructions" && next.value.warning) warnings.push(next.value.warning);
      o.onEvent?.(next.value);
    }
    if (subAgents) {
      await subAgents.idle();
      // The run's figures are the whole tree's: every sub-agent counted against the same limits.
      agent = {
        ...agent,
        turns: budget.turns,
        usage: budget.usage,
        costUsd: budget.costUsd,
        agents: subAgents.tree,
      };
      transcript.write({ type: "agents", tree: subAgents.tree });
    }

    // Nothing of the sandbox runs past this point, and the tree is the harness's again.
    await run.stop();
    let commit: string | undefined;
    let files: string[] = [];
    let blockedBy: Finding[] = [];
    if (o.mode === "implement" && agent.outcome === "finished") {
      commit = await commitAll(
        wt,
        commitMessage(o.commitTitle ?? o.instruction, o.instruction, agent, runId, o.trailers),
        o.author,
      );
      // Work sub-agents' merges are commits too, even when the run's agent changed nothing after them.
      if (!commit) {
        const head = await headOf(wt);
        if (head !== wt.baseSha) commit = head;
      }
      if (commit) {
        files = await changedFiles(wt);
        // What a push would send, read from the git directory, never the work tree (which the agent
        // could have made a repository of its own).
        await verifyGitDir(wt.gitDir);
        const report = await scan(
          { mode: "push", tip: commit, base: wt.baseSha, branch },
          { cwd: wt.gitDir.path, config: guard },
        );
        blockedBy = report.findings;
      }
    }
    if (memory) {
      const saved = await memory.commit(`Memory notes from run ${runId}`, o.author).catch((err: Error) => ({
        status: "failed" as const,
        message: err.message,
      }));
      if (saved.status === "blocked" || saved.status === "failed") {
        warnings.push(`Memory notes were not saved: ${saved.message}`);
      }
      transcript.write({ type: "memory", status: saved.status });
    }
    transcript.write({
      type: "run_finished",
      runId,
      outcome: agent.outcome,
      commit: commit ?? null,
      blocked: blockedBy.length,
    });
    // A run that committed nothing leaves no branch behind.
    await cleanUp(commit !== undefined);
    return {
      runId,
      agent,
      branch: commit ? branch : undefined,
      commit,
      files,
      blockedBy,
      transcriptPath: transcript.path,
      worktree: o.keep ? root : undefined,
      sandbox: sandboxLine,
      warnings,
    };
  }
}

/** Subject under 72 characters; the body says what was asked, what the model reports, and the figures. */
export function commitMessage(
  title: string,
  instruction: string,
  agent: AgentResult,
  runId: string,
  trailers: string[] = [],
): string {
  const first = title.split("\n")[0]!.trim().replace(/\.$/, "");
  const subject = first.length <= 72 ? first : `${first.slice(0, 71).replace(/\s+\S*$/, "")}…`;
  const capitalised = subject.charAt(0).toUpperCase() + subject.slice(1);
  const tokens = agent.usage.inputTokens + agent.usage.outputTokens;
  return [
    capitalised,
    "",
    `Requested: ${instruction.trim()}`,
    "",
    agent.finalText.trim().slice(0, 2000),
    "",
    `Run ${runId}: ${agent.turns} turns, ${tokens} tokens, $${agent.costUsd.toFixed(2)}; tests: ${agent.verification.replace("_", " ")}.`,
    ...(trailers.length ? ["", ...trailers] : []),
  ].join("\n");
}
