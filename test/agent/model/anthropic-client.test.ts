import { EventStreamCodec } from "@smithy/eventstream-codec";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAnthropicClient } from "../../../src/agent/model/anthropic-client.js";
import { createModelClient } from "../../../src/agent/model/model-provider.js";
import { costUsd } from "../../../src/agent/model/prices.js";
import { ModelError, type ModelRequest } from "../../../src/agent/model-types.js";
import { serverSentEvents, SSE_HEADERS, streamedMessage } from "../../helpers/anthropic-sse.js";
import { failure } from "../../helpers/model-failure.js";

const API = "https://api.anthropic.com";
const KEY = "test-key-never-to-be-shown-4f9a2c";

/** A streamed reply: text in pieces, then a tool_use whose JSON input arrives in pieces. */
function toolTurn(): string {
  return streamedMessage(
    [
      { type: "text", text: "Hello" },
      { type: "tool_use", id: "toolu_1", name: "bash", input: { command: "ls -la" } },
    ],
    { inputTokens: 100, cacheCreationTokens: 20, cacheReadTokens: 50, outputTokens: 50, ping: true },
  );
}

function textTurn(text: string): string {
  return streamedMessage([{ type: "text", text }], { inputTokens: 10, outputTokens: 3 });
}

function apiError(type: string, message: string) {
  return { type: "error", error: { type, message } };
}

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: "claude-sonnet-4-6",
    system: [{ text: "You are patchwright.", cache: true }, { text: "Repository: octo/demo." }],
    messages: [{ role: "user", content: "Fix the bug." }],
    tools: [
      { kind: "anthropic", type: "text_editor_20250728", name: "str_replace_based_edit_tool" },
      { kind: "anthropic", type: "bash_20250124", name: "bash" },
      {
        kind: "custom",
        name: "finish",
        description: "Say you are done.",
        inputSchema: { type: "object", properties: { summary: { type: "string" } }, required: ["summary"] },
      },
    ],
    maxTokens: 4096,
    ...overrides,
  };
}

function client(extra: Parameters<typeof createAnthropicClient>[0] = {}) {
  return createAnthropicClient({ apiKey: KEY, env: {}, ...extra });
}

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug"] as const;
let consoleSpies: { mock: { calls: unknown[][] }; mockRestore(): void }[] = [];

beforeEach(() => {
  consoleSpies = CONSOLE_METHODS.map((method) => vi.spyOn(console, method));
});

// The key never reaches a log line, whatever happened in the test.
function expectKeyNeverLogged(): void {
  for (const spy of consoleSpies) {
    expect(JSON.stringify(spy.mock.calls)).not.toContain(KEY);
    spy.mockRestore();
  }
}

afterEach(expectKeyNeverLogged);

describe("createAnthropicClient: streaming", () => {
  it("streams text to onText, assembles tool input from deltas, and maps usage and cost", async () => {
    let headers: Record<string, string | string[]> = {};
    const scope = nock(API)
      .post("/v1/messages")
      .reply(function () {
        headers = this.req.headers;
        return [200, toolTurn(), SSE_HEADERS];
      });
    const deltas: string[] = [];

    const response = await client().send(request(), (d) => deltas.push(d));

    expect(scope.isDone()).toBe(true);
    expect(deltas).toEqual(["Hel", "lo"]);
    expect(response).toEqual({
      model: "claude-sonnet-4-6",
      content: [
        { type: "text", text: "Hello" },
        { type: "tool_use", id: "toolu_1", name: "bash", input: { command: "ls -la" } },
      ],
      stopReason: "tool_use",
      usage: { inputTokens: 100, outputTokens: 50, cacheCreationInputTokens: 20, cacheReadInputTokens: 50 },
    });
    // 100×$3 + 50×$15 + 20×$3.75 + 50×$0.30 per million.
    expect(costUsd(response.model, response.usage)).toEqual({
      usd: expect.closeTo(0.00114, 10),
      known: true,
    });
    // The key is sent, in some auth header.
    expect(`${String(headers.authorization)} ${String(headers["x-api-key"])}`).toContain(KEY);
  });

  it("ignores thinking blocks", async () => {
    const body = serverSentEvents([
      [
        "message_start",
        {
          type: "message_start",
          message: {
            id: "m",
            type: "message",
            role: "assistant",
            model: "claude-sonnet-4-6",
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 1, output_tokens: 1 },
          },
        },
      ],
      [
        "content_block_start",
        {
          type: "content_block_start",
          index: 0,
          content_block: { type: "thinking", thinking: "", signature: "" },
        },
      ],
      [
        "content_block_delta",
        { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hmm" } },
      ],
      [
        "content_block_delta",
        { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "s" } },
      ],
      ["content_block_stop", { type: "content_block_stop", index: 0 }],
      [
        "content_block_start",
        { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
      ],
      [
        "content_block_delta",
        { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "ok" } },
      ],
      ["content_block_stop", { type: "content_block_stop", index: 1 }],
      [
        "message_delta",
        {
          type: "message_delta",
          delta: { stop_reason: "end_turn", stop_sequence: null },
          usage: { output_tokens: 2 },
        },
      ],
      ["message_stop", { type: "message_stop" }],
    ]);
    nock(API).post("/v1/messages").reply(200, body, SSE_HEADERS);
    const response = await client().send(request());
    expect(response.content).toEqual([{ type: "text", text: "ok" }]);
    expect(response.stopReason).toBe("end_turn");
  });
});

describe("createAnthropicClient: request body", () => {
  it("sends every tool as a custom tool when PATCHWRIGHT_CUSTOM_TOOLS_ONLY is set", async () => {
    let body: { tools?: { type?: string; name: string; input_schema?: unknown }[] } = {};
    nock(API)
      .post("/v1/messages", (b: typeof body) => {
        body = b;
        return true;
      })
      .reply(200, textTurn("done"), SSE_HEADERS);
    await client({ env: { PATCHWRIGHT_CUSTOM_TOOLS_ONLY: "true" } }).send(request());
    expect(body.tools?.map((t) => [t.name, t.type, typeof t.input_schema])).toEqual([
      ["str_replace_based_edit_tool", undefined, "object"],
      ["bash", undefined, "object"],
      ["finish", undefined, "object"],
    ]);
  });

  it("maps tools, system and messages, and places cache breakpoints", async () => {
    let body: Record<string, unknown> = {};
    nock(API)
      .post("/v1/messages", (b: Record<string, unknown>) => {
        body = b;
        return true;
      })
      .reply(200, textTurn("done"), SSE_HEADERS);

    await client().send(
      request({
        messages: [
          { role: "user", content: "Fix the bug." },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "t1", name: "bash", input: { command: "ls" } }],
          },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "t1", content: "a.ts", is_error: false }],
          },
        ],
      }),
    );

    expect(body).toMatchObject({ model: "claude-sonnet-4-6", max_tokens: 4096, stream: true });
    expect(body.tools).toEqual([
      { type: "text_editor_20250728", name: "str_replace_based_edit_tool" },
      { type: "bash_20250124", name: "bash" },
      {
        name: "finish",
        description: "Say you are done.",
        input_schema: { type: "object", properties: { summary: { type: "string" } }, required: ["summary"] },
        cache_control: { type: "ephemeral" },
      },
    ]);
    expect(body.system).toEqual([
      { type: "text", text: "You are patchwright.", cache_control: { type: "ephemeral" } },
      { type: "text", text: "Repository: octo/demo." },
    ]);
    expect(body.messages).toEqual([
      // Text content is always sent as blocks, so a message serialises the same when it is no longer last.
      { role: "user", content: [{ type: "text", text: "Fix the bug." }] },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "t1", name: "bash", input: { command: "ls" } }],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "t1",
            content: "a.ts",
            is_error: false,
            cache_control: { type: "ephemeral" },
          },
        ],
      },
    ]);
  });

  it("turns a last string message into a block with the rolling breakpoint, without touching the request", async () => {
    let body: { messages?: unknown } = {};
    nock(API)
      .post("/v1/messages", (b: typeof body) => {
        body = b;
        return true;
      })
      .reply(200, textTurn("ok"), SSE_HEADERS);
    const req = request();
    const before = structuredClone(req);
    await client().send(req);
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [{ type: "text", text: "Fix the bug.", cache_control: { type: "ephemeral" } }],
      },
    ]);
    expect(req).toEqual(before);
  });

  it("keeps to four breakpoints: the latest cached system blocks win", async () => {
    let body: { system?: { cache_control?: unknown }[] } = {};
    nock(API)
      .post("/v1/messages", (b: typeof body) => {
        body = b;
        return true;
      })
      .reply(200, textTurn("ok"), SSE_HEADERS);
    await client().send(request({ system: ["a", "b", "c", "d"].map((text) => ({ text, cache: true })) }));
    expect(body.system?.map((b) => b.cache_control !== undefined)).toEqual([false, false, true, true]);
  });

  it("sends the two client tools as custom tools in custom-tools-only mode", async () => {
    let body: {
      tools?: { name: string; type?: string; input_schema?: { type: string; properties: object } }[];
    } = {};
    nock(API)
      .post("/v1/messages", (b: typeof body) => {
        body = b;
        return true;
      })
      .reply(200, textTurn("ok"), SSE_HEADERS);
    await client({ customToolsOnly: true }).send(request());
    const tools = body.tools ?? [];
    expect(tools.map((t) => t.name)).toEqual(["str_replace_based_edit_tool", "bash", "finish"]);
    for (const tool of tools) {
      expect(tool.type).toBeUndefined();
      expect(tool.input_schema?.type).toBe("object");
    }
    expect(Object.keys(tools[0]?.input_schema?.properties ?? {})).toEqual(
      expect.arrayContaining([
        "command",
        "path",
        "file_text",
        "old_str",
        "new_str",
        "insert_line",
        "view_range",
      ]),
    );
    expect(Object.keys(tools[1]?.input_schema?.properties ?? {})).toEqual(["command", "restart"]);
  });
});

describe("createAnthropicClient: configuration", () => {
  it("reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL from the injected env", async () => {
    let auth = "";
    const scope = nock("https://llm-proxy.example.test")
      .post("/anthropic/v1/messages")
      .reply(function () {
        auth = `${String(this.req.headers.authorization)} ${String(this.req.headers["x-api-key"])}`;
        return [200, textTurn("via proxy"), SSE_HEADERS];
      });
    const model = createAnthropicClient({
      env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: "https://llm-proxy.example.test/anthropic" },
    });
    const response = await model.send(request());
    expect(scope.isDone()).toBe(true);
    expect(auth).toContain(KEY);
    expect(response.content).toEqual([{ type: "text", text: "via proxy" }]);
  });

  it("fails plainly, before any request, when there is no key", async () => {
    const scope = nock(API).post("/v1/messages").reply(200, textTurn("no"), SSE_HEADERS);
    const error = await failure(createAnthropicClient({ env: { ANTHROPIC_API_KEY: " " } }).send(request()));
    expect(error.kind).toBe("auth");
    expect(error.message).toMatch(/^ANTHROPIC_API_KEY is not set: add it as a secret/);
    expect(scope.isDone()).toBe(false);
    nock.cleanAll(); // the stub was there to be left unused
  });

  it("createModelClient builds each provider and refuses an unknown one at run time", () => {
    expect(typeof createModelClient({ provider: "anthropic", apiKey: KEY, env: {} }).send).toBe("function");
    expect(typeof createModelClient({ provider: "bedrock", env: {} }).send).toBe("function");
    expect(typeof createModelClient({ provider: "vertex", env: {} }).send).toBe("function");
    let error: unknown;
    try {
      createModelClient({ provider: "azure" as "anthropic", env: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({
      kind: "bad_request",
      message: "The azure provider does not exist: use anthropic, bedrock or vertex.",
    });
  });
});

describe("createAnthropicClient: retries", () => {
  it("retries a 429 (retry-after honoured) and then succeeds", async () => {
    const scope = nock(API)
      .post("/v1/messages")
      .reply(429, apiError("rate_limit_error", "slow down"), { "retry-after": "0.001" })
      .post("/v1/messages")
      .reply(200, textTurn("second time"), SSE_HEADERS);
    const response = await client().send(request());
    expect(scope.isDone()).toBe(true);
    expect(response.content).toEqual([{ type: "text", text: "second time" }]);
  });

  it("treats `retry-after: 0` as no advice and backs off by itself (about half a second)", async () => {
    const scope = nock(API)
      .post("/v1/messages")
      .reply(429, apiError("rate_limit_error", "slow down"), { "retry-after": "0" })
      .post("/v1/messages")
      .reply(200, textTurn("ok"), SSE_HEADERS);
    const started = Date.now();
    await client().send(request());
    expect(scope.isDone()).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("retries 529 maxRetries times (4 by default), then says the API is overloaded", async () => {
    const scope = nock(API)
      .post("/v1/messages")
      .times(5)
      .reply(529, apiError("overloaded_error", "Overloaded"), { "retry-after-ms": "1" });
    const error = await failure(client().send(request()));
    expect(scope.isDone()).toBe(true);
    expect(error.kind).toBe("overloaded");
    expect(error.message).toBe("Anthropic's API is overloaded; try again later.");
  });

  it("says so when rate limits outlast the retries", async () => {
    const scope = nock(API)
      .post("/v1/messages")
      .times(2)
      .reply(
        429,
        apiError("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
        {
          "retry-after-ms": "1",
        },
      );
    const error = await failure(client({ maxRetries: 1 }).send(request()));
    expect(scope.isDone()).toBe(true);
    expect(error.kind).toBe("rate_limit");
    expect(error.message).toMatch(/^Anthropic's API kept rate-limiting this key \(429\) after 1 retry/);
  });

  it("retries a 500 and succeeds", async () => {
    const scope = nock(API)
      .post("/v1/messages")
      .reply(500, apiError("api_error", "Internal server error"), { "retry-after-ms": "1" })
      .post("/v1/messages")
      .reply(200, textTurn("ok"), SSE_HEADERS);
    await client().send(request());
    expect(scope.isDone()).toBe(true);
  });
});

describe("createAnthropicClient: errors", () => {
  it("401: rejects the key, without retrying and without showing it", async () => {
    const scope = nock(API)
      .post("/v1/messages")
      .reply(401, apiError("authentication_error", `invalid x-api-key: ${KEY}`));
    const error = await failure(client().send(request()));
    expect(scope.isDone()).toBe(true);
    expect(error.kind).toBe("auth");
    expect(error.message).toMatch(/^the Anthropic API rejected the key/);
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(KEY);
  });

  it("403: permission", async () => {
    nock(API)
      .post("/v1/messages")
      .reply(403, apiError("permission_error", "Your key cannot use this model."));
    const error = await failure(client().send(request()));
    expect(error.kind).toBe("auth");
    expect(error.message).toContain("(403): Your key cannot use this model.");
  });

  it("404: names the model", async () => {
    nock(API).post("/v1/messages").reply(404, apiError("not_found_error", "model: claude-nonesuch"));
    const error = await failure(client().send(request({ model: "claude-nonesuch" })));
    expect(error.kind).toBe("bad_request");
    expect(error.message).toMatch(/^the model claude-nonesuch does not exist for this key/);
  });

  it("400: the API's message, trimmed to one line, with the key scrubbed", async () => {
    nock(API)
      .post("/v1/messages")
      .reply(
        400,
        apiError("invalid_request_error", `  messages.0.content:\n  must not be empty (key ${KEY})  `),
      );
    const error = await failure(client().send(request()));
    expect(error.kind).toBe("bad_request");
    expect(error.message).toBe(
      "the Anthropic API refused the request (400): messages.0.content: must not be empty (key [redacted])",
    );
  });

  it("an error event inside the stream", async () => {
    const body =
      serverSentEvents([
        [
          "message_start",
          {
            type: "message_start",
            message: {
              id: "m",
              type: "message",
              role: "assistant",
              model: "claude-sonnet-4-6",
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { input_tokens: 1, output_tokens: 1 },
            },
          },
        ],
      ]) + serverSentEvents([["error", apiError("overloaded_error", "Overloaded")]]);
    nock(API).post("/v1/messages").reply(200, body, SSE_HEADERS);
    const error = await failure(client().send(request()));
    expect(error.kind).toBe("overloaded");
  });

  it("a network failure", async () => {
    nock(API).post("/v1/messages").replyWithError("socket hang up");
    const error = await failure(client({ maxRetries: 0 }).send(request()));
    expect(error.kind).toBe("network");
    expect(error.message).toMatch(/^could not reach the Anthropic API at api\.anthropic\.com/);
  });

  it("aborts through request.signal", async () => {
    const controller = new AbortController();
    // Aborted once the request is on its way, while the API takes its time to answer.
    nock(API)
      .post("/v1/messages")
      .delay(5_000)
      .reply(200, textTurn("late"), SSE_HEADERS)
      .on("request", () => controller.abort());
    const started = Date.now();
    const error = await failure(client().send(request({ signal: controller.signal })));
    expect(error.kind).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("an already-aborted signal makes no request", async () => {
    const scope = nock(API).post("/v1/messages").reply(200, textTurn("no"), SSE_HEADERS);
    const error = await failure(client().send(request({ signal: AbortSignal.abort() })));
    expect(error.kind).toBe("aborted");
    expect(scope.isDone()).toBe(false);
    nock.cleanAll(); // the stub was there to be left unused
  });
});

// ---------------------------------------------------------------------------------------------
// Google Vertex AI and Amazon Bedrock: the same client, another SDK client underneath.

/** Made-up credentials, built at run time so that nothing here looks like a real one. */
const VERTEX_TOKEN = ["test", "vertex", "token", "7c1e"].join("-");
const AWS_ACCESS = ["test", "access", "key"].join("-");
const AWS_SECRET = ["test", "secret", "key", "b62d"].join("-");
const AWS_SESSION = ["test", "session", "token", "e04f"].join("-");

const VERTEX = "https://us-east5-aiplatform.googleapis.com";
const VERTEX_PATH =
  "/v1/projects/test-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-6:streamRawPredict";
const VERTEX_ENV = { CLOUD_ML_REGION: "us-east5", ANTHROPIC_VERTEX_PROJECT_ID: "test-project" };

function vertex(extra: Partial<Parameters<typeof createModelClient>[0]> = {}) {
  return createModelClient({ provider: "vertex", accessToken: VERTEX_TOKEN, env: VERTEX_ENV, ...extra });
}

function expectNoneLogged(...secrets: string[]) {
  for (const spy of consoleSpies) {
    for (const secret of secrets) expect(JSON.stringify(spy.mock.calls)).not.toContain(secret);
  }
}

describe("createModelClient: vertex", () => {
  it("streams from streamRawPredict with the access token, region and project from the env", async () => {
    let headers: Record<string, string | string[]> = {};
    let body: Record<string, unknown> = {};
    const scope = nock(VERTEX)
      .post(VERTEX_PATH, (b: Record<string, unknown>) => {
        body = b;
        return true;
      })
      .reply(function () {
        headers = this.req.headers;
        return [200, toolTurn(), SSE_HEADERS];
      });
    const deltas: string[] = [];

    const response = await vertex().send(request(), (d) => deltas.push(d));

    expect(scope.isDone()).toBe(true);
    expect(deltas).toEqual(["Hel", "lo"]);
    expect(response.content).toEqual([
      { type: "text", text: "Hello" },
      { type: "tool_use", id: "toolu_1", name: "bash", input: { command: "ls -la" } },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 100,
      outputTokens: 50,
      cacheCreationInputTokens: 20,
      cacheReadInputTokens: 50,
    });
    expect(headers.authorization).toBe(`Bearer ${VERTEX_TOKEN}`);
    expect(headers["x-api-key"]).toBeUndefined();
    // Vertex takes the model from the path and the version from the body.
    expect(body.model).toBeUndefined();
    expect(body).toMatchObject({ stream: true, max_tokens: 4096, anthropic_version: expect.any(String) });
    expectNoneLogged(VERTEX_TOKEN);
  });

  it("takes region and project from the options, and the global region's endpoint", async () => {
    const scope = nock("https://aiplatform.googleapis.com")
      .post(
        "/v1/projects/other-project/locations/global/publishers/anthropic/models/claude-sonnet-4-6:streamRawPredict",
      )
      .reply(200, textTurn("global"), SSE_HEADERS);
    const response = await vertex({ region: "global", projectId: "other-project", env: {} }).send(request());
    expect(scope.isDone()).toBe(true);
    expect(response.content).toEqual([{ type: "text", text: "global" }]);
  });

  it("fails plainly, before any request, without a project or a region", async () => {
    const scope = nock(VERTEX).post(VERTEX_PATH).reply(200, textTurn("no"), SSE_HEADERS);
    const noProject = await failure(vertex({ env: { CLOUD_ML_REGION: "us-east5" } }).send(request()));
    expect(noProject.kind).toBe("auth");
    expect(noProject.message).toBe(
      "ANTHROPIC_VERTEX_PROJECT_ID is not set: set it (or the projectId option) to the Google Cloud project that has Claude enabled in Vertex AI.",
    );
    const noRegion = await failure(
      vertex({ env: { ANTHROPIC_VERTEX_PROJECT_ID: "test-project" } }).send(request()),
    );
    expect(noRegion.kind).toBe("auth");
    expect(noRegion.message).toMatch(/^CLOUD_ML_REGION is not set: set it \(or the region option\)/);
    expect(scope.isDone()).toBe(false);
    nock.cleanAll(); // the stub was there to be left unused
  });

  it("retries a 429 and then succeeds", async () => {
    const scope = nock(VERTEX)
      .post(VERTEX_PATH)
      .reply(
        429,
        { error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } },
        { "retry-after": "0.001" },
      )
      .post(VERTEX_PATH)
      .reply(200, textTurn("second time"), SSE_HEADERS);
    const response = await vertex().send(request());
    expect(scope.isDone()).toBe(true);
    expect(response.content).toEqual([{ type: "text", text: "second time" }]);
  });

  it("maps a 401 and lasting 429s to the same sentences, naming Vertex and never the token", async () => {
    nock(VERTEX)
      .post(VERTEX_PATH)
      .reply(401, { error: { code: 401, message: `bad token ${VERTEX_TOKEN}`, status: "UNAUTHENTICATED" } });
    const unauthorized = await failure(vertex().send(request()));
    expect(unauthorized.kind).toBe("auth");
    expect(unauthorized.message).toBe(
      "Google Vertex AI rejected the Google credentials (401): the access token given is not valid, or has expired.",
    );

    nock(VERTEX)
      .post(VERTEX_PATH)
      .times(2)
      .reply(429, { error: { code: 429, message: "Quota exceeded" } }, { "retry-after-ms": "1" });
    const limited = await failure(vertex({ maxRetries: 1 }).send(request()));
    expect(limited.kind).toBe("rate_limit");
    expect(limited.message).toMatch(
      /^Google Vertex AI kept rate-limiting these Google credentials \(429\) after 1 retry/,
    );

    nock(VERTEX)
      .post(VERTEX_PATH)
      .reply(404, { error: { code: 404, message: `Publisher model not found (${VERTEX_TOKEN})` } });
    const notFound = await failure(vertex().send(request({ model: "claude-sonnet-4-6" })));
    expect(notFound.kind).toBe("bad_request");
    expect(notFound.message).toBe(
      "the model claude-sonnet-4-6 does not exist for these Google credentials (404 from us-east5-aiplatform.googleapis.com): Publisher model not found ([redacted])",
    );
    expectNoneLogged(VERTEX_TOKEN);
  });
});

const BEDROCK = "https://bedrock-runtime.us-east-1.amazonaws.com";
const BEDROCK_MODEL = "anthropic.claude-sonnet-4-6";
const BEDROCK_PATH = `/model/${BEDROCK_MODEL}/invoke-with-response-stream`;
const BEDROCK_ENV = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: AWS_ACCESS,
  AWS_SECRET_ACCESS_KEY: AWS_SECRET,
  AWS_SESSION_TOKEN: AWS_SESSION,
};
const EVENTSTREAM_HEADERS = { "content-type": "application/vnd.amazon.eventstream" };

/**
 * An SSE body re-encoded the way Bedrock sends it: one binary event-stream frame per event, each a
 * `chunk` event whose JSON body holds the Anthropic event, base64-encoded, in `bytes`.
 */
function eventStream(sseBody: string): Buffer {
  const codec = new EventStreamCodec(
    (bytes) => Buffer.from(bytes).toString("utf8"),
    (text) => new Uint8Array(Buffer.from(text, "utf8")),
  );
  const frames = sseBody
    .split("\n\n")
    .filter((frame) => frame.includes("data: "))
    .map((frame) => {
      const data = frame.slice(frame.indexOf("data: ") + "data: ".length);
      const body = JSON.stringify({ bytes: Buffer.from(data, "utf8").toString("base64") });
      return codec.encode({
        headers: {
          ":event-type": { type: "string", value: "chunk" },
          ":message-type": { type: "string", value: "event" },
          ":content-type": { type: "string", value: "application/json" },
        },
        body: new Uint8Array(Buffer.from(body, "utf8")),
      });
    });
  return Buffer.concat(frames);
}

function bedrock(extra: Partial<Parameters<typeof createModelClient>[0]> = {}) {
  return createModelClient({ provider: "bedrock", env: BEDROCK_ENV, ...extra });
}

describe("createModelClient: bedrock", () => {
  it("streams Bedrock's binary event stream from a SigV4-signed invoke-with-response-stream", async () => {
    let headers: Record<string, string | string[]> = {};
    let body: Record<string, unknown> = {};
    const scope = nock(BEDROCK)
      .post(BEDROCK_PATH, (b: Record<string, unknown>) => {
        body = b;
        return true;
      })
      .reply(function () {
        headers = this.req.headers;
        return [200, eventStream(toolTurn()), EVENTSTREAM_HEADERS];
      });
    const deltas: string[] = [];

    const response = await bedrock().send(request({ model: BEDROCK_MODEL }), (d) => deltas.push(d));

    expect(scope.isDone()).toBe(true);
    expect(deltas).toEqual(["Hel", "lo"]);
    expect(response.content).toEqual([
      { type: "text", text: "Hello" },
      { type: "tool_use", id: "toolu_1", name: "bash", input: { command: "ls -la" } },
    ]);
    expect(response.stopReason).toBe("tool_use");
    expect(response.usage.outputTokens).toBe(50);
    const authorization = String(headers.authorization);
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(authorization).toMatch(
      new RegExp(`Credential=${AWS_ACCESS}/\\d{8}/us-east-1/bedrock/aws4_request`),
    );
    expect(authorization).not.toContain(AWS_SECRET);
    expect(headers["x-amz-security-token"]).toBe(AWS_SESSION);
    expect(headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(headers["x-api-key"]).toBeUndefined();
    // Bedrock takes the model from the path, and neither model nor stream in the body.
    expect(body.model).toBeUndefined();
    expect(body.stream).toBeUndefined();
    expect(body).toMatchObject({ max_tokens: 4096, anthropic_version: expect.any(String) });
    expectNoneLogged(AWS_SECRET, AWS_SESSION);
  });

  it("finds credentials through the standard AWS chain (here, the process environment)", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", AWS_ACCESS);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", AWS_SECRET);
    vi.stubEnv("AWS_SESSION_TOKEN", "");
    vi.stubEnv("AWS_PROFILE", "");
    try {
      let authorization = "";
      const scope = nock("https://bedrock-runtime.eu-west-1.amazonaws.com")
        .post(BEDROCK_PATH)
        .reply(function () {
          authorization = String(this.req.headers.authorization);
          return [200, eventStream(textTurn("from the chain")), EVENTSTREAM_HEADERS];
        });
      const response = await bedrock({ region: "eu-west-1", env: {} }).send(
        request({ model: BEDROCK_MODEL }),
      );
      expect(scope.isDone()).toBe(true);
      expect(response.content).toEqual([{ type: "text", text: "from the chain" }]);
      expect(authorization).toMatch(
        new RegExp(`^AWS4-HMAC-SHA256 Credential=${AWS_ACCESS}/\\d{8}/eu-west-1/bedrock/aws4_request`),
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("says plainly when the AWS chain finds no credentials, without sending anything to Bedrock", async () => {
    for (const name of [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
      "AWS_PROFILE",
      "AWS_WEB_IDENTITY_TOKEN_FILE",
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
      "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ])
      vi.stubEnv(name, "");
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/patchwright-test/credentials");
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/patchwright-test/config");
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    try {
      const scope = nock(BEDROCK).post(BEDROCK_PATH).reply(200, "", EVENTSTREAM_HEADERS);
      const error = await failure(
        bedrock({ env: { AWS_REGION: "us-east-1" }, maxRetries: 0 }).send(request({ model: BEDROCK_MODEL })),
      );
      expect(scope.isDone()).toBe(false);
      nock.cleanAll(); // the stub was there to be left unused
      expect(error.kind).toBe("auth");
      expect(error.message).toMatch(/^could not get credentials for Amazon Bedrock after 0 retries: /);
      expect(error.message).toMatch(
        /; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY .* or run where a role provides them\.$/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("fails plainly, before any request, without a region", async () => {
    const scope = nock(BEDROCK).post(BEDROCK_PATH).reply(200, "", EVENTSTREAM_HEADERS);
    const noRegion: Record<string, string | undefined> = { ...BEDROCK_ENV, AWS_REGION: undefined };
    const error = await failure(bedrock({ env: noRegion }).send(request({ model: BEDROCK_MODEL })));
    expect(error.kind).toBe("auth");
    expect(error.message).toBe(
      "AWS_REGION is not set: set it (or the region option) to the AWS region where Bedrock serves the model, such as us-east-1.",
    );
    expect(scope.isDone()).toBe(false);
    nock.cleanAll(); // the stub was there to be left unused
  });

  it("retries a throttled request and then succeeds", async () => {
    const scope = nock(BEDROCK)
      .post(BEDROCK_PATH)
      .reply(
        429,
        { message: "Too many requests, please wait before trying again." },
        {
          "x-amzn-errortype": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
          "retry-after-ms": "1",
        },
      )
      .post(BEDROCK_PATH)
      .reply(200, eventStream(textTurn("second time")), EVENTSTREAM_HEADERS);
    const response = await bedrock().send(request({ model: BEDROCK_MODEL }));
    expect(scope.isDone()).toBe(true);
    expect(response.content).toEqual([{ type: "text", text: "second time" }]);
  });

  it("maps Bedrock's errors to the same sentences, with AWS's message and no credentials", async () => {
    nock(BEDROCK)
      .post(BEDROCK_PATH)
      .reply(
        403,
        { message: `The security token included in the request is invalid (${AWS_ACCESS}).` },
        {
          "x-amzn-errortype":
            "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/",
        },
      );
    const forbidden = await failure(bedrock().send(request({ model: BEDROCK_MODEL })));
    expect(forbidden.kind).toBe("auth");
    expect(forbidden.message).toBe(
      "Amazon Bedrock refused these AWS credentials permission for the request (403): The security token included in the request is invalid ([redacted]).",
    );

    nock(BEDROCK)
      .post("/model/anthropic.claude-nonesuch/invoke-with-response-stream")
      .reply(404, { message: "The provided model identifier is invalid." });
    const notFound = await failure(bedrock().send(request({ model: "anthropic.claude-nonesuch" })));
    expect(notFound.kind).toBe("bad_request");
    expect(notFound.message).toBe(
      "the model anthropic.claude-nonesuch does not exist for these AWS credentials (404 from bedrock-runtime.us-east-1.amazonaws.com): The provided model identifier is invalid.",
    );

    nock(BEDROCK)
      .post(BEDROCK_PATH)
      .times(2)
      .reply(503, { message: "Bedrock is unable to process your request." }, { "retry-after-ms": "1" });
    const unavailable = await failure(bedrock({ maxRetries: 1 }).send(request({ model: BEDROCK_MODEL })));
    expect(unavailable.kind).toBe("server");
    expect(unavailable.message).toBe(
      "Amazon Bedrock failed with 503 after 1 retry: Bedrock is unable to process your request.",
    );
    expectNoneLogged(AWS_SECRET, AWS_SESSION);
  });

  it("an error event inside Bedrock's stream", async () => {
    const body = eventStream(serverSentEvents([["error", apiError("overloaded_error", "Overloaded")]]));
    nock(BEDROCK).post(BEDROCK_PATH).reply(200, body, EVENTSTREAM_HEADERS);
    const error = await failure(bedrock().send(request({ model: BEDROCK_MODEL })));
    expect(error.kind).toBe("overloaded");
    expect(error.message).toBe("Amazon Bedrock is overloaded; try again later.");
  });
});
