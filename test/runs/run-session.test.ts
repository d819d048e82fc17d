import { readFileSync } from "node:fs";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { runSession, type RunSessionOptions } from "../../src/runs/run-session.js";
import type { ModelResponse } from "../../src/agent/model-types.js";
import { createAnthropicClient } from "../../src/agent/model/anthropic-client.js";
import { ScriptedModel, textResponse } from "../../src/agent/model/replay-model.js";
import { RepoConfig } from "../../src/config/schema.js";
import { SSE_HEADERS, streamedMessage } from "../helpers/anthropic-sse.js";
import { cli } from "../helpers/run-cli.js";
import { git, tempDir, tempRepo } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(31);
let ids = 0;
const USAGE = { inputTokens: 500, outputTokens: 50, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

function edit(path: string, oldStr: string, newStr: string): ModelResponse {
  return {
    model: "claude-sonnet-4-6",
    content: [
      {
        type: "tool_use",
        id: `e${++ids}`,
        name: "str_replace_based_edit_tool",
        input: { command: "str_replace", path, old_str: oldStr, new_str: newStr },
      },
    ],
    stopReason: "tool_use",
    usage: USAGE,
  };
}

function repoWithTests(): string {
  return tempRepo({
    "greet.js": 'export const greeting = "hi";\n',
    "check.js": 'import { greeting } from "./greet.js";\nif (greeting !== "hello") process.exit(1);\n',
    "package.json": JSON.stringify({ type: "module", scripts: { test: "node check.js" } }),
  });
}

function options(
  repo: string,
  model: ScriptedModel,
  over: Partial<RunSessionOptions> = {},
): RunSessionOptions {
  return {
    repo,
    instruction: "Make the greeting say hello",
    mode: "implement",
    model,
    modelName: "claude-sonnet-4-6",
    limits: { maxTurns: 10, maxCostUsd: 1, timeoutMs: 60_000 },
    config: RepoConfig.parse({}),
    author: { name: "patchwright", email: "patchwright@example.com" },
    keep: false,
    env: { PATH: process.env["PATH"] ?? "", GITHUB_TOKEN: "must-not-leak-into-commands" },
    ...over,
  };
}

describe("patchwright run on a local repository", () => {
  it("works on a new branch in a worktree, verifies, commits as the run's author and leaves the checkout alone", async () => {
    const repo = repoWithTests();
    const before = git(repo, ["rev-parse", "HEAD"]).trim();
    const model = new ScriptedModel([
      edit("greet.js", '"hi"', '"hello"'),
      textResponse("Changed the greeting to hello."),
    ]);
    const result = await runSession(options(repo, model));

    expect(result.agent).toMatchObject({ outcome: "finished", verification: "passed" });
    expect(result.files).toEqual(["greet.js"]);
    // The repository map is in the system prompt: the file and its definitions.
    const system = model.requests[0]!.system.map((b) => b.text).join("\n");
    expect(system).toMatch(/greet\.js:\n\s+1: \w+ greeting/);
    expect(result.blockedBy).toEqual([]);
    expect(git(repo, ["rev-parse", "HEAD"]).trim()).toBe(before);
    expect(readFileSync(`${repo}/greet.js`, "utf8")).toContain('"hi"');
    const log = git(repo, ["log", "-1", "--format=%an <%ae>%n%s%n%b", result.branch!]);
    expect(log).toMatch(/^patchwright <patchwright@example.com>\nMake the greeting say hello\n/);
    expect(log).toContain("tests: passed");
    expect(git(repo, ["worktree", "list"]).trim().split("\n")).toHaveLength(1);
    const records = readFileSync(result.transcriptPath, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(records[0]!.type).toBe("run_started");
    expect(records.map((r) => r.type)).toContain("model_response");
  });

  it("commits nothing and leaves no branch when a limit ends the run", async () => {
    const repo = repoWithTests();
    const model = new ScriptedModel(() => edit("greet.js", '"hi"', '"hello"'));
    const result = await runSession(
      options(repo, model, { limits: { maxTurns: 2, maxCostUsd: 1, timeoutMs: 60_000 } }),
    );
    expect(result.agent.outcome).toBe("limit");
    expect(result.branch).toBeUndefined();
    expect(git(repo, ["branch", "--list", "patchwright/*"]).trim()).toBe("");
  });

  it("lets the leak guard block a commit that carries a secret, and keeps it out of the transcript", async () => {
    const repo = repoWithTests();
    const token = githubToken(rand);
    const model = new ScriptedModel([
      edit(
        "greet.js",
        'export const greeting = "hi";',
        `export const greeting = "hello";\nexport const token = "${token}";`,
      ),
      textResponse("Done."),
    ]);
    const result = await runSession(options(repo, model));
    expect(result.blockedBy.map((f) => f.ruleId)).toEqual(["github-pat-classic"]);
    expect(readFileSync(result.transcriptPath, "utf8")).not.toContain(token);
  });

  it("replays a recorded transcript through the real loop from the command line", async () => {
    const repo = repoWithTests();
    const first = await runSession(
      options(repo, new ScriptedModel([edit("greet.js", '"hi"', '"hello"'), textResponse("Changed it.")])),
    );
    const replay = await cli(
      ["run", "--repo", repo, "--replay", first.transcriptPath, "Make the greeting say hello"],
      {
        cwd: tempDir(),
        env: { PATH: process.env["PATH"] ?? "" },
      },
    );
    expect(replay.stderr).toContain("→ str_replace_based_edit_tool");
    expect(replay.stdout).toMatch(/outcome: +finished/);
    expect(replay.stdout).toMatch(/tests: +passed/);
    expect(replay.code).toBe(0);
  });

  it("applies the config's agent rules and never passes tokens to commands", async () => {
    const repo = repoWithTests();
    const config = RepoConfig.parse({
      agent: {
        rules: [{ tool: "bash", pattern: "cat *", decision: "deny", why: "read files with the editor" }],
      },
    });
    const call = (command: string): ModelResponse => ({
      model: "claude-sonnet-4-6",
      content: [{ type: "tool_use", id: `b${++ids}`, name: "bash", input: { command } }],
      stopReason: "tool_use",
      usage: USAGE,
    });
    const model = new ScriptedModel([call("cat greet.js"), call("env"), textResponse("Looked around.")]);
    const results: string[] = [];
    await runSession(
      options(repo, model, {
        config,
        onEvent: (e) => void (e.type === "tool_result" && results.push(e.content)),
      }),
    );
    expect(results[0]).toMatch(/read files with the editor/);
    expect(results[1]).toContain("PATH=");
    expect(results[1]).not.toContain("must-not-leak-into-commands");
  });

  it("compacts past 45% of the window by default, and at the config's agent.compactAt when it says", async () => {
    // The first turn's context is half the 200,000-token window: past the default share, under 0.75.
    const half = { ...USAGE, inputTokens: 100_000 };
    const compactions = async (config: RepoConfig): Promise<number> => {
      const model = new ScriptedModel([
        { ...edit("greet.js", '"hi"', '"hello"'), usage: half },
        textResponse("Changed the greeting to hello."),
      ]);
      let n = 0;
      await runSession(
        options(repoWithTests(), model, { config, onEvent: (e) => void (e.type === "compacted" && n++) }),
      );
      return n;
    };
    expect(await compactions(RepoConfig.parse({}))).toBe(1);
    expect(await compactions(RepoConfig.parse({ agent: { compactAt: 0.75 } }))).toBe(0);
  });

  it("keeps memory notes on the patchwright/memory branch across runs, when the feature is on", async () => {
    const repo = repoWithTests();
    const config = RepoConfig.parse({ features: { memory: true }, agent: { testCommand: "true" } });
    const note: ModelResponse = {
      model: "claude-sonnet-4-6",
      content: [
        {
          type: "tool_use",
          id: `m${++ids}`,
          name: "memory",
          input: {
            command: "create",
            path: "/memories/testing.md",
            file_text: "Run the tests with npm test.\n",
          },
        },
      ],
      stopReason: "tool_use",
      usage: USAGE,
    };
    await runSession(
      options(repo, new ScriptedModel([note, textResponse("Noted.")]), { config, mode: "answer" }),
    );
    expect(git(repo, ["show", "patchwright/memory:testing.md"])).toBe("Run the tests with npm test.\n");
    expect(git(repo, ["status", "--porcelain"])).toBe("");

    const second = new ScriptedModel([textResponse("I know how to run the tests.")]);
    await runSession(options(repo, second, { config, mode: "answer" }));
    expect(second.requests[0]!.system.map((b) => b.text).join("\n")).toContain("testing.md");
  });

  it("refuses to start without an API key, in one sentence", async () => {
    const r = await cli(["run", "--repo", repoWithTests(), "fix it"], { cwd: tempDir(), env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ANTHROPIC_API_KEY is not set/);
  });
});

describe("patchwright run against the Anthropic API (stubbed at HTTP)", () => {
  it("drives the real client and loop: Anthropic's tools, cache breakpoints, a commit", async () => {
    const repo = repoWithTests();
    const bodies: Record<string, unknown>[] = [];
    nock("https://api.anthropic.com")
      .post("/v1/messages", (body: Record<string, unknown>) => (bodies.push(body), true))
      .reply(
        200,
        streamedMessage([
          {
            type: "tool_use",
            id: "toolu_1",
            name: "str_replace_based_edit_tool",
            input: { command: "str_replace", path: "greet.js", old_str: '"hi"', new_str: '"hello"' },
          },
        ]),
        SSE_HEADERS,
      )
      .post("/v1/messages", (body: Record<string, unknown>) => (bodies.push(body), true))
      .reply(
        429,
        { type: "error", error: { type: "rate_limit_error", message: "slow down" } },
        { "retry-after-ms": "1" },
      )
      .post("/v1/messages", (body: Record<string, unknown>) => (bodies.push(body), true))
      .reply(200, streamedMessage([{ type: "text", text: "Changed the greeting to hello." }]), SSE_HEADERS);

    const model = createAnthropicClient({ apiKey: "test-key", maxRetries: 2 });
    const result = await runSession(options(repo, new ScriptedModel([]), { model }));

    expect(result.agent).toMatchObject({ outcome: "finished", verification: "passed", turns: 2 });
    expect(result.files).toEqual(["greet.js"]);
    const tools = bodies[0]!["tools"] as { type?: string; name: string }[];
    expect(tools.map((t) => t.type ?? t.name)).toEqual(
      expect.arrayContaining(["text_editor_20250728", "bash_20250124"]),
    );
    expect(JSON.stringify(bodies[0])).toContain('"cache_control":{"type":"ephemeral"}');
    // The tool's result went back to the model in the next request.
    expect(JSON.stringify(bodies[2]!["messages"])).toContain("toolu_1");
    expect(nock.isDone()).toBe(true);
  });
});
