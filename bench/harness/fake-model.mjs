// A fake Anthropic Messages API for `npm run bench:harness`: node:http on 127.0.0.1 at a random port,
// answering POST /v1/messages with a real SSE stream (message_start, content_block_start/delta/stop with
// text_delta and input_json_delta, message_delta, message_stop) from the script in script.mjs. The turn is
// read from the request (assistant messages so far + 1), so the server holds no session state. Usage is
// estimated from sizes: input tokens = request-body bytes / 4, output tokens = generated JSON bytes / 4,
// no cache tokens. Per request it records the body size, when the request arrived, when its body was
// read, and when the answer ended; and whether the previous turn's tool results came back.
// Bounded: bodies over MAX_BODY_BYTES get 413, requests beyond `maxRequests` get 400.
import { Buffer } from "node:buffer";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { planTurn } from "./script.mjs";

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const now = () => performance.timeOrigin + performance.now();

export function sse(res, type, data) {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

export function pieces(text, size) {
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [""];
}

export function apiError(res, status, type, message) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ type: "error", error: { type, message } }));
}

/**
 * Reads a `POST /v1/messages` body, bounded by MAX_BODY_BYTES; answers 404 and 413 itself. Calls
 * `onBody(raw, bytes)` with the whole body; `parseBody(res, raw)` parses it, answering 400 when it is not
 * JSON.
 */
export function receiveMessages(req, res, onBody) {
  const path = (req.url ?? "").split("?")[0];
  if (req.method !== "POST" || path !== "/v1/messages") {
    req.resume();
    return apiError(res, 404, "not_found_error", `${req.method} ${path} is not served here`);
  }
  const chunks = [];
  let bytes = 0;
  let refused = false;
  req.on("data", (chunk) => {
    bytes += chunk.length;
    if (bytes > MAX_BODY_BYTES && !refused) {
      refused = true;
      apiError(res, 413, "request_too_large", `the body passed ${MAX_BODY_BYTES} bytes`);
    }
    if (!refused) chunks.push(chunk);
  });
  req.on("end", () => {
    if (!refused) onBody(Buffer.concat(chunks, bytes), bytes);
  });
}

export function parseBody(res, raw) {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    apiError(res, 400, "invalid_request_error", "the body is not JSON");
    return undefined;
  }
}

/** Did the last user message carry a tool_result for every tool_use of the previous turn? */
export function resultsCameBack(messages, turn, turns) {
  if (turn === 1) return true;
  const expected = planTurn(turn - 1, turns).calls.map((c) => c.id);
  const last = messages.at(-1);
  const got = Array.isArray(last?.content)
    ? last.content.filter((b) => b.type === "tool_result").map((b) => b.tool_use_id)
    : [];
  return expected.length === got.length && expected.every((id) => got.includes(id));
}

/** Streams the scripted answer to turn `turn`; returns the output-token estimate. */
export function stream(res, { turn, turns, model, inputTokens }) {
  const plan = planTurn(turn, turns);
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "request-id": `req_bench_${turn}`,
  });
  const usage = {
    input_tokens: inputTokens,
    output_tokens: 1,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  sse(res, "message_start", {
    message: {
      id: `msg_bench_${turn}`,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    },
  });
  let index = 0;
  let produced = 0;
  if (plan.text) {
    sse(res, "content_block_start", { index, content_block: { type: "text", text: "" } });
    for (const text of pieces(plan.text, 24))
      sse(res, "content_block_delta", { index, delta: { type: "text_delta", text } });
    sse(res, "content_block_stop", { index });
    produced += plan.text.length;
    index++;
  }
  for (const call of plan.calls) {
    sse(res, "content_block_start", {
      index,
      content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
    });
    const json = JSON.stringify(call.input);
    for (const partial_json of pieces(json, 40)) {
      sse(res, "content_block_delta", { index, delta: { type: "input_json_delta", partial_json } });
    }
    sse(res, "content_block_stop", { index });
    produced += json.length;
    index++;
  }
  const outputTokens = Math.max(1, Math.ceil(produced / 4));
  sse(res, "message_delta", {
    delta: { stop_reason: plan.calls.length > 0 ? "tool_use" : "end_turn", stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  sse(res, "message_stop", {});
  res.end();
  return outputTokens;
}

/**
 * Starts the server. `turns`: the script's length; `maxRequests`: the bound per round (reset()).
 * Returns { port, records(), reset(), close() }.
 */
export async function startFakeModel({ turns, maxRequests }) {
  let records = [];
  const server = http.createServer((req, res) => {
    const receivedAt = now();
    receiveMessages(req, res, (raw, bytes) => {
      const bodyAt = now();
      const record = { n: records.length + 1, bytes, receivedAt, bodyAt };
      records.push(record);
      if (records.length > maxRequests) {
        record.status = 400;
        return apiError(res, 400, "invalid_request_error", `more than ${maxRequests} requests in one round`);
      }
      const body = parseBody(res, raw);
      if (body === undefined) {
        record.status = 400;
        return;
      }
      const messages = Array.isArray(body.messages) ? body.messages : [];
      const turn = messages.filter((m) => m.role === "assistant").length + 1;
      Object.assign(record, {
        turn,
        messages: messages.length,
        resultsOk: resultsCameBack(messages, turn, turns),
        status: 200,
      });
      record.outputTokens = stream(res, {
        turn,
        turns,
        model: String(body.model ?? "unknown"),
        inputTokens: Math.ceil(bytes / 4),
      });
      record.endedAt = now();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    port: server.address().port,
    records: () => records,
    reset: () => {
      records = [];
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
