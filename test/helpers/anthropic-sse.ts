import nock from "nock";
import type { ContentBlock } from "../../src/agent/model-types.js";

/**
 * A Messages API streaming response (server-sent events) for the given content, the way the API sends
 * it: text in two deltas, tool input as partial JSON in two deltas, usage at the start and the end.
 */
export function streamedMessage(
  content: ContentBlock[],
  opts: {
    stopReason?: string;
    inputTokens?: number;
    outputTokens?: number;
    cacheCreationTokens?: number;
    cacheReadTokens?: number;
    model?: string;
    /** Send a `ping` after the start, as the API does now and then. */
    ping?: boolean;
  } = {},
): string {
  const events: [string, unknown][] = [
    [
      "message_start",
      {
        type: "message_start",
        message: {
          id: "msg_test",
          type: "message",
          role: "assistant",
          model: opts.model ?? "claude-sonnet-4-6",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: opts.inputTokens ?? 100,
            output_tokens: 1,
            ...(opts.cacheCreationTokens !== undefined
              ? { cache_creation_input_tokens: opts.cacheCreationTokens }
              : {}),
            ...(opts.cacheReadTokens !== undefined ? { cache_read_input_tokens: opts.cacheReadTokens } : {}),
          },
        },
      },
    ],
    ...(opts.ping ? ([["ping", { type: "ping" }]] as [string, unknown][]) : []),
  ];
  content.forEach((block, index) => {
    if (block.type === "text") {
      const half = Math.ceil(block.text.length / 2);
      events.push(
        [
          "content_block_start",
          { type: "content_block_start", index, content_block: { type: "text", text: "" } },
        ],
        [
          "content_block_delta",
          {
            type: "content_block_delta",
            index,
            delta: { type: "text_delta", text: block.text.slice(0, half) },
          },
        ],
        [
          "content_block_delta",
          { type: "content_block_delta", index, delta: { type: "text_delta", text: block.text.slice(half) } },
        ],
      );
    } else if (block.type === "tool_use") {
      const json = JSON.stringify(block.input);
      const half = Math.ceil(json.length / 2);
      events.push(
        [
          "content_block_start",
          {
            type: "content_block_start",
            index,
            content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
          },
        ],
        [
          "content_block_delta",
          {
            type: "content_block_delta",
            index,
            delta: { type: "input_json_delta", partial_json: json.slice(0, half) },
          },
        ],
        [
          "content_block_delta",
          {
            type: "content_block_delta",
            index,
            delta: { type: "input_json_delta", partial_json: json.slice(half) },
          },
        ],
      );
    }
    events.push(["content_block_stop", { type: "content_block_stop", index }]);
  });
  events.push(
    [
      "message_delta",
      {
        type: "message_delta",
        delta: {
          stop_reason:
            opts.stopReason ?? (content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn"),
          stop_sequence: null,
        },
        usage: { output_tokens: opts.outputTokens ?? 20 },
      },
    ],
    ["message_stop", { type: "message_stop" }],
  );
  return serverSentEvents(events);
}

/** Server-sent events as the Messages API writes them, for streams a test builds event by event. */
export function serverSentEvents(events: [event: string, data: unknown][]): string {
  return events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join("");
}

export const SSE_HEADERS = { "content-type": "text/event-stream" };

/**
 * The Messages API at `base` over HTTP (nock, for every request until nock is cleaned): each request's
 * body is recorded, in order, and answered with `answer(body, raw)` as a stream. `raw` is the body as
 * sent, for tests that count its size.
 */
export function recordedMessagesApi<Body>(
  base: string,
  answer: (body: Body, raw: string) => string,
): { bodies: Body[] } {
  const bodies: Body[] = [];
  nock(base)
    .persist()
    .post("/v1/messages")
    .reply(
      200,
      (_uri, requestBody) => {
        const raw = typeof requestBody === "string" ? requestBody : JSON.stringify(requestBody);
        const body = JSON.parse(raw) as Body;
        bodies.push(body);
        return answer(body, raw);
      },
      SSE_HEADERS,
    );
  return { bodies };
}
