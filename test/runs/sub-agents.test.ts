import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AgentNode } from "../../src/agent/events.js";
import type { ContentBlock, ModelClient } from "../../src/agent/model-types.js";
import { createAnthropicClient } from "../../src/agent/model/anthropic-client.js";
import { RepoConfig } from "../../src/config/schema.js";
import { runSession, type RunSessionOptions } from "../../src/runs/run-session.js";
import { recordedMessagesApi, streamedMessage } from "../helpers/anthropic-sse.js";
import { git, tempRepo } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const BASE = "https://sub-agents.anthropic.test";
const rand = prng(18);

interface ApiBody {
  model: string;
  system?: { text: string }[];
  tools?: { name: string }[];
  messages: { role: string; content: { type: string; text?: string; content?: string }[] }[];
}

/** Which agent sent a request, and its turn: the last "You are agent-N" directive, or the run's agent. */
function whoAndTurn(body: ApiBody): { agent: string; turn: number } {
  const system = JSON.stringify(body.system ?? []);
  const teammate = /You are (agent-\d+), a teammate/.exec(system);
  let from = 0;
  let agent = teammate?.[1] ?? "lead";
  if (!teammate) {
    body.messages.forEach((m, i) => {
      const found = m.role === "user" ? /You are (agent-\d+)[,.]/.exec(JSON.stringify(m.content)) : null;
      if (found) {
        agent = found[1]!;
        from = i;
      }
    });
  }
  const turn = body.messages.slice(from).filter((m) => m.role === "assistant").length + 1;
  return { agent, turn };
}

type Answer = ContentBlock[] | { content: ContentBlock[]; inputTokens: number };

/**
 * The Anthropic API over HTTP (nock), answering each request from `script(agent, turn, body)`: several
 * agents talk to it at the same time, so the answer depends on who asks, not on the order of requests.
 */
function scriptedApi(script: (agent: string, turn: number, body: ApiBody) => Answer): { bodies: ApiBody[] } {
  return recordedMessagesApi<ApiBody>(BASE, (body) => {
    const { agent, turn } = whoAndTurn(body);
    const answer = script(agent, turn, body);
    return Array.isArray(answer)
      ? streamedMessage(answer)
      : streamedMessage(answer.content, { inputTokens: answer.inputTokens });
  });
}

let ids = 0;
const use = (name: string, input: unknown): ContentBlock => ({
  type: "tool_use",
  id: `tu_${++ids}`,
  name,
  input,
});
const say = (text: string): ContentBlock[] => [{ type: "text", text }];
const task = (mode: string, description: string, prompt: string): ContentBlock =>
  use("task", { mode, description, prompt });
const edit = (path: string, from: string, to: string): ContentBlock =>
  use("str_replace_based_edit_tool", { command: "str_replace", path, old_str: from, new_str: to });

function client(): ModelClient {
  return createAnthropicClient({ apiKey: "test-key", baseURL: BASE, maxRetries: 0 });
}

function repo(): string {
  return tempRepo({
    "a.js": 'export const a = "one";\n',
    "b.js": 'export const b = "two";\n',
    "check.js": 'import { a } from "./a.js";\nif (!a) process.exit(1);\n',
    "package.json": JSON.stringify({ type: "module", scripts: { test: "node check.js" } }),
  });
}

function options(
  dir: string,
  over: Partial<RunSessionOptions> & { settings?: object } = {},
): RunSessionOptions {
  const { settings, ...rest } = over;
  return {
    repo: dir,
    instruction: "Change the constants",
    mode: "implement",
    model: client(),
    modelName: "claude-sonnet-4-6",
    limits: { maxTurns: 40, maxCostUsd: 5, timeoutMs: 120_000 },
    config: RepoConfig.parse({
      features: { subAgents: true },
      agent: { coordinator: "off", testCommand: "node check.js" },
      ...settings,
    }),
    author: { name: "patchwright", email: "patchwright@example.com" },
    keep: false,
    env: { PATH: process.env["PATH"] ?? "" },
    ...rest,
  };
}

const records = (path: string): ({ type: string; agent?: string } & Record<string, unknown>)[] =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string });

const stripMarkers = (value: unknown): string =>
  JSON.stringify(value, (k, v: unknown) => (k === "cache_control" ? undefined : v));

describe("sub-agents", () => {
  it("forks from the parent's exact prefix, read-only, and hands back its report", async () => {
    const dir = repo();
    const api = scriptedApi((agent, turn) => {
      if (agent === "lead") {
        if (turn === 1) return [use("bash", { command: "cat a.js" })];
        if (turn === 2) return [task("fork", "find b", "Where is b defined?")];
        return say("b is in b.js, says the fork.");
      }
      if (turn === 1) return [edit("b.js", '"two"', '"2"')];
      return say("b is defined in b.js line 1.");
    });
    const result = await runSession(options(dir));

    const leadSecond = api.bodies.findIndex(
      (b) => whoAndTurn(b).agent === "lead" && whoAndTurn(b).turn === 2,
    );
    const forkFirst = api.bodies.findIndex((b) => whoAndTurn(b).agent === "agent-1");
    const parent = api.bodies[leadSecond]! as unknown as Record<string, unknown> & ApiBody;
    const fork = api.bodies[forkFirst]! as unknown as Record<string, unknown> & ApiBody;
    // Tools and system with their breakpoints, byte for byte; then every message the parent sent.
    expect(JSON.stringify(fork.tools)).toBe(JSON.stringify(parent.tools));
    expect(JSON.stringify(fork.system)).toBe(JSON.stringify(parent.system));
    expect(stripMarkers(fork.messages.slice(0, parent.messages.length))).toBe(stripMarkers(parent.messages));
    // The parent's rolling breakpoint sits on its last message; the fork's request keeps it readable.
    expect(JSON.stringify(parent.messages.at(-1))).toContain("cache_control");

    // The fork may not edit: its edit came back as an error, and the file is unchanged in the commit.
    const forkResults = api.bodies
      .filter((b) => whoAndTurn(b).agent === "agent-1")
      .at(-1)!
      .messages.at(-1)!;
    expect(JSON.stringify(forkResults)).toContain('"is_error":true');
    const lastLead = api.bodies.filter((b) => whoAndTurn(b).agent === "lead").at(-1)!;
    expect(JSON.stringify(lastLead.messages.at(-1))).toContain("b is defined in b.js line 1.");
    expect(result.agent.agents).toMatchObject([
      { name: "agent-1", mode: "fork", outcome: "finished", turns: 2 },
    ]);
    // The run's figures are the whole tree's.
    expect(result.agent.turns).toBe(5);
    const forkEvents = records(result.transcriptPath).filter((r) => r.agent === "agent-1");
    expect(forkEvents.map((r) => r.type)).toContain("model_response");
    expect(records(result.transcriptPath).find((r) => r.type === "agents")).toBeDefined();
  });

  it("runs a teammate with a fresh context that leaves messages in the run's mailbox", async () => {
    const dir = repo();
    const api = scriptedApi((agent, turn) => {
      if (agent === "lead") {
        if (turn === 1) return [task("teammate", "survey", "List the modules.")];
        if (turn === 2) return [use("read_messages", {})];
        return say("Done.");
      }
      if (turn === 1)
        return [use("send_message", { to: "lead", text: "a.js and b.js export one constant each" })];
      return say("Two modules.");
    });
    const result = await runSession(options(dir, { mode: "answer" }));
    const first = api.bodies.find((b) => whoAndTurn(b).agent === "agent-1")!;
    expect(first.messages).toHaveLength(1);
    expect(JSON.stringify(first.messages)).not.toContain("Change the constants");
    expect(first.system![0]!.text).toMatch(/^You are agent-1, a teammate/);
    const lastLead = api.bodies.filter((b) => whoAndTurn(b).agent === "lead").at(-1)!;
    expect(JSON.stringify(lastLead.messages.at(-1))).toContain(
      "From agent-1:\\n> a.js and b.js export one constant each",
    );
    expect(result.agent.agents?.[0]).toMatchObject({ mode: "teammate", outcome: "finished" });
  });

  it("merges a work sub-agent's commit into the run's branch and verifies once", async () => {
    const dir = repo();
    scriptedApi((agent, turn) => {
      if (agent === "lead") return turn === 1 ? [task("work", "change a", "Set a to uno.")] : say("Merged.");
      return turn === 1 ? [edit("a.js", '"one"', '"uno"')] : say("a is uno.");
    });
    const seen: string[] = [];
    const result = await runSession(
      options(dir, { onEvent: (e, agent) => void seen.push(`${agent ?? "lead"} ${e.type}`) }),
    );
    // The surface sees the sub-agent's steps too, named, for the progress comment.
    expect(seen).toEqual(expect.arrayContaining(["lead tool_requested", "agent-1 tool_requested"]));
    expect(result.agent.outcome).toBe("finished");
    expect(result.agent.verification).toBe("passed");
    expect(git(dir, ["show", `${result.branch!}:a.js`])).toContain('"uno"');
    expect(git(dir, ["log", "--format=%s", result.branch!])).toContain("Merge agent-1: change a");
    expect(result.agent.agents?.[0]?.merge).toHaveProperty("commit");
    expect(records(result.transcriptPath).filter((r) => r.type === "verification")).toHaveLength(1);
    // The sub-agent's branch and worktree are gone.
    expect(git(dir, ["branch", "--list", "*agent-1*"]).trim()).toBe("");
    expect(git(dir, ["worktree", "list"]).trim().split("\n")).toHaveLength(1);
  });

  it("reports a merge conflict with its paths, keeps the branch for the run, and applies nothing of it", async () => {
    const dir = repo();
    const contents: string[] = [];
    scriptedApi((agent, turn, body) => {
      if (agent === "lead") {
        if (turn === 1) return [task("work", "one", "Set a to uno."), task("work", "two", "Set a to eins.")];
        if (turn === 2) {
          contents.push(JSON.stringify(body.messages.at(-1)));
          return [use("bash", { command: "git branch --list '*agent-*'" })];
        }
        contents.push(JSON.stringify(body.messages.at(-1)));
        return say("One of them merged.");
      }
      const word = JSON.stringify(body.messages).includes("Set a to uno") ? "uno" : "eins";
      return turn === 1 ? [edit("a.js", '"one"', `"${word}"`)] : say(`a is ${word}.`);
    });
    const result = await runSession(options(dir));
    expect(contents[0]).toMatch(/could not be merged into your worktree \(both changed the same lines\)/);
    expect(contents[0]).toContain("Conflicting paths: `a.js`");
    // During the run the conflicting work is still on its branch; at the end it is gone.
    expect(contents[1]).toMatch(/agent-\d/);
    expect(git(dir, ["branch", "--list", "*agent-*"]).trim()).toBe("");
    const merged = result.agent.agents!.filter((n) => n.merge && "commit" in n.merge);
    const conflicted = result.agent.agents!.filter((n) => n.merge && "conflicts" in n.merge);
    expect([merged.length, conflicted.length]).toEqual([1, 1]);
    expect(conflicted[0]!.merge).toMatchObject({ conflicts: ["a.js"] });
    expect(git(dir, ["show", `${result.branch!}:a.js`])).not.toContain("<<<<");
  });

  it("refuses a sub-agent deeper than two levels", async () => {
    const dir = repo();
    const api = scriptedApi((agent, turn) => {
      if (turn === 1) return [task("fork", `from ${agent}`, "Go deeper.")];
      return say(`${agent} done.`);
    });
    const result = await runSession(options(dir, { mode: "answer" }));
    const deepest = api.bodies.filter((b) => whoAndTurn(b).agent === "agent-2").at(-1)!;
    expect(JSON.stringify(deepest.messages.at(-1))).toContain(
      "cannot start sub-agents of their own beyond 2 levels",
    );
    expect(result.agent.agents).toMatchObject([
      { name: "agent-1", children: [{ name: "agent-2", children: [] }] },
    ]);
  });

  it("runs at most the configured number of sub-agents at once", async () => {
    const dir = repo();
    scriptedApi((agent, turn) => {
      if (agent === "lead")
        return turn === 1 ? ["a", "b", "c", "d"].map((x) => task("fork", x, `Look at ${x}.`)) : say("ok");
      return say(`${agent} looked.`);
    });
    const real = client();
    let inFlight = 0;
    let most = 0;
    // Counted around the real HTTP client: without the bound, all four forks would be in here at once.
    const counting: ModelClient = {
      async send(request, onText) {
        inFlight++;
        most = Math.max(most, inFlight);
        try {
          return await real.send(request, onText);
        } finally {
          inFlight--;
        }
      },
    };
    const result = await runSession(
      options(dir, {
        mode: "answer",
        model: counting,
        settings: { agent: { subAgentConcurrency: 2, coordinator: "off" } },
      }),
    );
    expect(result.agent.agents).toHaveLength(4);
    expect(result.agent.agents!.every((n) => n.outcome === "finished")).toBe(true);
    expect(most).toBe(2);
  });

  it("stops every agent of the tree when a sub-agent reaches the run's cost cap", async () => {
    const dir = repo();
    // $3 per million input tokens: each sub-agent turn costs about $0.03.
    scriptedApi((agent, turn) => {
      if (agent === "lead")
        return turn === 1 ? [task("fork", "x", "Loop."), task("fork", "y", "Loop.")] : say("?");
      return { content: [use("glob", { pattern: `**/*${turn}*` })], inputTokens: 10_000 };
    });
    const result = await runSession(
      options(dir, { mode: "answer", limits: { maxTurns: 100, maxCostUsd: 0.2, timeoutMs: 120_000 } }),
    );
    expect(result.agent.outcome).toBe("limit");
    expect(result.agent.reason).toBe("The run reached its cost limit of $0.20.");
    const forks = result.agent.agents!;
    expect(forks.map((n) => n.outcome)).toEqual(["limit", "limit"]);
    // Charged as it happened: at most one turn per agent past the cap.
    expect(result.agent.costUsd).toBeGreaterThanOrEqual(0.2);
    expect(result.agent.costUsd).toBeLessThan(0.2 + 3 * 0.035);
    expect(result.agent.costUsd).toBeCloseTo(
      forks.reduce((s, n) => s + n.costUsd, 0) + leadCost(result.agent.agents!, result.agent.costUsd),
      6,
    );
  });

  it("lets the leak guard see a secret a work sub-agent committed, even when it is gone from the tip", async () => {
    const dir = repo();
    const token = githubToken(rand);
    scriptedApi((agent, turn) => {
      if (agent === "lead") {
        if (turn === 1) return [task("work", "config", "Add the config.")];
        if (turn === 2) return [use("bash", { command: "rm conf.js" })];
        return say("Done.");
      }
      return turn === 1
        ? [
            use("str_replace_based_edit_tool", {
              command: "create",
              path: "conf.js",
              file_text: `export const t = "${token}";\n`,
            }),
          ]
        : say("Added.");
    });
    const result = await runSession(options(dir));
    expect(result.commit).toBeDefined();
    expect(git(dir, ["ls-tree", "--name-only", result.commit!])).not.toContain("conf.js");
    expect(result.blockedBy.map((f) => f.ruleId)).toContain("github-pat-classic");
    expect(readFileSync(result.transcriptPath, "utf8")).not.toContain(token);
  });

  it("cancels every sub-agent when the run is stopped", async () => {
    const dir = repo();
    const stop = new AbortController();
    const started = new Set<string>();
    scriptedApi((agent, turn) => {
      if (agent === "lead")
        return turn === 1 ? [task("fork", "x", "Look."), task("fork", "y", "Look.")] : say("?");
      started.add(agent);
      // Both forks are in a model call: the person says `@patchwright stop`.
      if (started.size === 2) stop.abort();
      return [use("glob", { pattern: `*${turn}*` })];
    });
    const result = await runSession(options(dir, { mode: "answer", signal: stop.signal }));
    expect(result.agent.outcome).toBe("aborted");
    expect(result.agent.agents!.map((n) => n.outcome)).toEqual(["aborted", "aborted"]);
    expect(existsSync(result.transcriptPath)).toBe(true);
  });

  it("coordinates: plans, runs the independent parts in parallel work sub-agents, merges, verifies once", async () => {
    const dir = repo();
    const plan = {
      parts: [
        { description: "change a", prompt: "Set a to uno.", paths: ["a.js"] },
        { description: "change b", prompt: "Set b to dos.", paths: ["b.js"] },
      ],
    };
    const api = scriptedApi((agent, turn, body) => {
      if (JSON.stringify(body.messages[0]).includes("Do not call a tool. Reply with JSON only")) {
        return say(`Here is the plan:\n${JSON.stringify(plan)}`);
      }
      if (agent === "lead") return say("Both parts fit together.");
      const mine = JSON.stringify(body.messages).includes("Set a to uno");
      if (turn === 1) return [mine ? edit("a.js", '"one"', '"uno"') : edit("b.js", '"two"', '"dos"')];
      return say("Done.");
    });
    const result = await runSession(
      options(dir, { settings: { agent: { coordinator: "auto", testCommand: "node check.js" } } }),
    );
    expect(result.agent.outcome).toBe("finished");
    expect(result.agent.verification).toBe("passed");
    expect(git(dir, ["show", `${result.branch!}:a.js`])).toContain('"uno"');
    expect(git(dir, ["show", `${result.branch!}:b.js`])).toContain('"dos"');
    expect(result.agent.agents!.map((n) => [n.mode, n.outcome])).toEqual([
      ["work", "finished"],
      ["work", "finished"],
    ]);
    const lead = api.bodies.filter(
      (b) => whoAndTurn(b).agent === "lead" && !JSON.stringify(b).includes("JSON only"),
    );
    expect(JSON.stringify(lead[0]!.messages[0])).toContain("## Part 2: change b");
    expect(records(result.transcriptPath).filter((r) => r.type === "verification")).toHaveLength(1);
  });
});

/** The run's own agent's cost: the total less its sub-agents'. */
function leadCost(nodes: AgentNode[], total: number): number {
  const sum = (ns: AgentNode[]): number => ns.reduce((s, n) => s + n.costUsd + sum(n.children), 0);
  return total - sum(nodes);
}
