import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ReplayModel,
  ScriptedModel,
  TranscriptRecord,
  parseTranscript,
  textResponse,
} from "../../../src/agent/model/replay-model.js";
import { ModelError, type ModelRequest, type ModelResponse } from "../../../src/agent/model-types.js";
import { failure } from "../../helpers/model-failure.js";

function request(text = "go"): ModelRequest {
  return {
    model: "claude-sonnet-4-6",
    system: [{ text: "sys", cache: true }],
    messages: [{ role: "user", content: text }],
    tools: [],
    maxTokens: 1000,
  };
}

const toolCall: ModelResponse = {
  model: "claude-sonnet-4-6",
  content: [
    { type: "text", text: "Looking." },
    { type: "tool_use", id: "t1", name: "bash", input: { command: "ls" } },
  ],
  stopReason: "tool_use",
  usage: { inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
};

const transcript = [
  { type: "run_started", at: "2026-11-21T00:00:00Z", repo: "octo/demo" },
  { type: "model_request", request: request() },
  { type: "model_response", turn: 1, response: toolCall },
  { type: "tool_result", turn: 1, id: "t1", name: "bash", isError: false, content: "a.ts", ms: 3 },
  { type: "model_response", turn: 2, response: textResponse("Done.") },
  { type: "finished" },
]
  .map((r) => JSON.stringify(r))
  .join("\n");

describe("TranscriptRecord", () => {
  it("checks model records and passes other events through", () => {
    expect(TranscriptRecord.parse({ type: "limit_reached", limit: "turns", detail: "30" })).toEqual({
      type: "limit_reached",
      limit: "turns",
      detail: "30",
    });
    expect(TranscriptRecord.safeParse({ type: "model_response", response: { model: "x" } }).success).toBe(
      false,
    );
    expect(TranscriptRecord.safeParse({ type: "model_response" }).success).toBe(false);
    expect(TranscriptRecord.safeParse({ type: 3 }).success).toBe(false);
  });

  it("names the bad line", () => {
    expect(() => parseTranscript(`{"type":"x"}\nnot json`)).toThrow("the transcript's line 2 is not JSON.");
    expect(() => parseTranscript(`{"type":"model_response","response":{}}`)).toThrow(
      /line 1 is not a valid record/,
    );
  });
});

describe("ReplayModel", () => {
  it("plays the recorded responses in order, then says the recording ran out", async () => {
    const model = ReplayModel.fromJsonl(`${transcript}\n\n`);
    const texts: string[] = [];
    expect(await model.send(request("a"), (t) => texts.push(t))).toEqual(toolCall);
    expect((await model.send(request("b"))).content).toEqual([{ type: "text", text: "Done." }]);
    expect(texts).toEqual(["Looking."]);
    expect(model.remaining).toBe(0);
    const error = await failure(model.send(request("c")));
    expect(error.kind).toBe("bad_request");
    expect(error.message).toBe("the recording has no more responses (2 played)");
    expect(model.requests.map((r) => r.messages[0]?.content)).toEqual(["a", "b"]);
  });

  it("reads a file, and hands out copies", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "replay-")), "t.jsonl");
    writeFileSync(path, transcript);
    const model = ReplayModel.fromFile(path);
    const first = await model.send(request());
    first.content.length = 0;
    expect(ReplayModel.fromFile(path).remaining).toBe(2);
  });

  it("honours an aborted signal", async () => {
    const error = await failure(
      ReplayModel.fromJsonl(transcript).send({ ...request(), signal: AbortSignal.abort() }),
    );
    expect(error.kind).toBe("aborted");
  });
});

describe("ScriptedModel", () => {
  it("answers from a list and records requests as they were", async () => {
    const model = new ScriptedModel([toolCall, textResponse("bye")]);
    const req = request("first");
    const controller = new AbortController();
    await model.send({ ...req, signal: controller.signal });
    req.messages.push({ role: "assistant", content: "mutated later" });
    await model.send(request("second"));
    expect(model.requests).toHaveLength(2);
    expect(model.requests[0]?.messages).toEqual([{ role: "user", content: "first" }]);
    expect(model.requests[0]?.signal).toBe(controller.signal);
    const error = await failure(model.send(request()));
    expect(error.message).toBe("the script has no more responses (2 played)");
  });

  it("answers from a function of the request and its index", async () => {
    const model = new ScriptedModel((req, index) =>
      textResponse(`${index}:${JSON.stringify(req.messages[0]?.content)}`),
    );
    const texts: string[] = [];
    await model.send(request("x"), (t) => texts.push(t));
    await model.send(request("y"), (t) => texts.push(t));
    expect(texts).toEqual(['0:"x"', '1:"y"']);
  });

  it("passes a thrown ModelError through", async () => {
    const model = new ScriptedModel(() => {
      throw new ModelError("overloaded", "Anthropic's API is overloaded; try again later.");
    });
    expect((await failure(model.send(request()))).kind).toBe("overloaded");
  });
});
