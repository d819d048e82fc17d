/**
 * Models without a network: ReplayModel plays back a recorded transcript; ScriptedModel answers
 * from a list or a function, for tests.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ModelError, type ModelClient, type ModelRequest, type ModelResponse } from "../model-types.js";
import { DEFAULT_MODEL } from "./default-model.js";

const Usage = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheCreationInputTokens: z.number(),
  cacheReadInputTokens: z.number(),
});

const ContentBlock = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal("tool_result"),
    tool_use_id: z.string(),
    content: z.string(),
    is_error: z.boolean().optional(),
  }),
]);

export const ModelResponseSchema = z.object({
  model: z.string(),
  content: z.array(ContentBlock),
  stopReason: z.string(),
  usage: Usage,
});

/** A request as a transcript records it: the signal is not data and is left out. */
export const ModelRequestSchema = z.looseObject({
  model: z.string(),
  system: z.array(z.object({ text: z.string(), cache: z.boolean().optional() })),
  messages: z.array(
    z.object({ role: z.enum(["user", "assistant"]), content: z.union([z.string(), z.array(ContentBlock)]) }),
  ),
  tools: z.array(z.unknown()),
  maxTokens: z.number(),
});

const KNOWN_TYPES = new Set(["model_request", "model_response"]);

/**
 * One line of a transcript (JSONL). Model requests and responses are checked; any other event
 * passes through with its fields. Extra fields on the two known records are kept.
 */
export const TranscriptRecord = z.union([
  z.looseObject({ type: z.literal("model_request"), request: ModelRequestSchema }),
  z.looseObject({ type: z.literal("model_response"), response: ModelResponseSchema }),
  z.looseObject({
    type: z.string().refine((t) => !KNOWN_TYPES.has(t), "a model record without its payload"),
  }),
]);
export type TranscriptRecord = z.infer<typeof TranscriptRecord>;

/** Parses a JSONL transcript; a bad line fails with its line number. Blank lines are skipped. */
export function parseTranscript(jsonl: string): TranscriptRecord[] {
  const records: TranscriptRecord[] = [];
  jsonl.split("\n").forEach((line, index) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ModelError("bad_request", `the transcript's line ${index + 1} is not JSON.`);
    }
    const parsed = TranscriptRecord.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
      throw new ModelError(
        "bad_request",
        `the transcript's line ${index + 1} is not a valid record${where}: ${issue?.message ?? "invalid"}.`,
      );
    }
    records.push(parsed.data);
  });
  return records;
}

function isResponseRecord(
  record: TranscriptRecord,
): record is TranscriptRecord & { response: ModelResponse } {
  return record.type === "model_response" && "response" in record;
}

function isRequestRecord(
  record: TranscriptRecord,
): record is TranscriptRecord & { request: z.infer<typeof ModelRequestSchema> } {
  return record.type === "model_request" && "request" in record;
}

/** Where a replay stopped matching its recording: the turn, and what differed. */
export interface ReplayDivergence {
  turn: number;
  reason: string;
}

/**
 * Plays a transcript's model responses back in order, whatever it is asked, and notes the first turn
 * where what the run sends differs from what the recording sent (another repository or commit gives
 * other tool results): from there on the played answers no longer fit the run.
 */
export class ReplayModel implements ModelClient {
  private readonly responses: ModelResponse[];
  private readonly recordedResults: (string | undefined)[];
  private played = 0;
  readonly requests: ModelRequest[] = [];
  divergence: ReplayDivergence | undefined;

  constructor(records: TranscriptRecord[]) {
    this.responses = records.filter(isResponseRecord).map((record) => record.response);
    this.recordedResults = records
      .filter(isRequestRecord)
      .map((record) => toolResults(record.request.messages));
  }

  static fromJsonl(jsonl: string): ReplayModel {
    return new ReplayModel(parseTranscript(jsonl));
  }

  static fromFile(path: string): ReplayModel {
    return ReplayModel.fromJsonl(readFileSync(path, "utf8"));
  }

  get remaining(): number {
    return this.responses.length - this.played;
  }

  send(request: ModelRequest, onText?: (delta: string) => void): Promise<ModelResponse> {
    if (request.signal?.aborted)
      return Promise.reject(new ModelError("aborted", "the model request was aborted."));
    const response = this.responses[this.played];
    if (response === undefined) {
      return Promise.reject(
        new ModelError("bad_request", `the recording has no more responses (${this.played} played)`),
      );
    }
    const recorded = this.recordedResults[this.played];
    if (!this.divergence && recorded !== undefined && recorded !== toolResults(request.messages)) {
      this.divergence = {
        turn: this.played + 1,
        reason: "the tool results differ from the recording's (another repository or commit?)",
      };
    }
    this.played++;
    this.requests.push(request);
    emitText(response, onText);
    return Promise.resolve(structuredClone(response));
  }
}

type Block =
  { type: "text" | "tool_use" } | { type: "tool_result"; content: string; is_error?: boolean | undefined };

/** The tool results the last message carries, as one comparable string ("" when it carries none). */
function toolResults(messages: readonly { content: string | readonly Block[] }[]): string {
  const last = messages.at(-1)?.content;
  if (typeof last === "string" || last === undefined) return "";
  const results = last.flatMap((b) => (b.type === "tool_result" ? [[b.content, b.is_error ?? false]] : []));
  return JSON.stringify(results);
}

export type Script =
  ModelResponse[] | ((request: ModelRequest, index: number) => ModelResponse | Promise<ModelResponse>);

/** For tests: answers from a list (in order) or a function, and keeps every request it got. */
export class ScriptedModel implements ModelClient {
  readonly requests: ModelRequest[] = [];

  constructor(private readonly script: Script) {}

  async send(request: ModelRequest, onText?: (delta: string) => void): Promise<ModelResponse> {
    if (request.signal?.aborted) throw new ModelError("aborted", "the model request was aborted.");
    const index = this.requests.length;
    // A copy: the loop goes on to mutate its conversation after the call.
    this.requests.push({ ...structuredClone({ ...request, signal: undefined }), signal: request.signal });
    let response: ModelResponse | undefined;
    if (typeof this.script === "function") {
      response = await this.script(request, index);
    } else {
      response = this.script[index];
      if (response === undefined) {
        throw new ModelError("bad_request", `the script has no more responses (${index} played)`);
      }
    }
    emitText(response, onText);
    return structuredClone(response);
  }
}

function emitText(response: ModelResponse, onText: ((delta: string) => void) | undefined): void {
  if (!onText) return;
  for (const block of response.content) if (block.type === "text" && block.text) onText(block.text);
}

/** A response for tests and fixtures. */
export function textResponse(text: string, overrides: Partial<ModelResponse> = {}): ModelResponse {
  return {
    model: DEFAULT_MODEL,
    content: [{ type: "text", text }],
    stopReason: "end_turn",
    usage: { inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    ...overrides,
  };
}
