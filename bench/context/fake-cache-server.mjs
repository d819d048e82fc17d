// The fake Anthropic Messages API for `npm run bench:context`: node:http on 127.0.0.1 at a random port.
// It answers like bench/harness/fake-model.mjs (whose script, SSE writer and protocol check it imports),
// but prices each request with the prompt-cache model of cache-model.mjs and reports that in the stream's
// usage (cache_read_input_tokens, cache_creation_input_tokens, input_tokens). The turn is read from the id
// of the last tool_use in the conversation (toolu_bench_<turn>_<i>), so it survives compaction, which
// rewrites the history. A request whose last message asks for a summary is the loop's compaction call:
// it gets a short scripted summary. `startRound({ caching })` starts a run with an empty
// cache; with caching off, cache_control markers are ignored and everything is uncached input.
// Bounded: bodies over 64 MiB get 413 (receiveMessages), more than `maxRequests` requests per round get 400.
import http from "node:http";
import {
  apiError,
  parseBody,
  pieces,
  receiveMessages,
  resultsCameBack,
  sse,
  stream,
} from "../harness/fake-model.mjs";
import { firstDifference, PromptCache } from "./cache-model.mjs";

const TOOL_ID = /^toolu_bench_(\d+)_\d+$/;

/** The turn this request asks for: one after the turn of the latest scripted tool_use. */
function turnOf(messages) {
  for (let m = messages.length - 1; m >= 0; m--) {
    const content = messages[m];
    if (content.role !== "assistant" || !Array.isArray(content.content)) continue;
    for (const block of content.content) {
      const match = block.type === "tool_use" ? TOOL_ID.exec(block.id) : null;
      if (match) return Number(match[1]) + 1;
    }
  }
  return 1;
}

const isSummaryRequest = (body) =>
  JSON.stringify(body.messages?.at(-1) ?? "").includes("compacting the history");

/** The harness's response writer, with the message_start usage replaced by the cache model's. */
function withUsage(res, usage) {
  return {
    writeHead: (...args) => res.writeHead(...args),
    end: (...args) => res.end(...args),
    write(chunk) {
      const prefix = "event: message_start\ndata: ";
      if (typeof chunk === "string" && chunk.startsWith(prefix)) {
        const data = JSON.parse(chunk.slice(prefix.length));
        data.message.usage = { ...data.message.usage, ...usage };
        return res.write(`${prefix}${JSON.stringify(data)}\n\n`);
      }
      return res.write(chunk);
    },
  };
}

/** A short, fixed summary streamed as one text block; returns the output-token estimate. */
function streamSummary(res, { model, usage, n }) {
  const text = [
    "## Goal\n- Raise the LIMIT constants in the pipeline modules and review src/big/table.ts.",
    "## Instructions\n- none",
    "## Discoveries\n- Modules are src/pkgPP/modMMM.ts, one LIMIT line each; the big table has 5,000 rows.",
    `## Done\n- Several LIMIT lines raised with str_replace (compaction ${n}).`,
    "## Files\n- src/big/table.ts: the table under review.",
    "## Pending\n- Continue with the next modules, then report.",
  ].join("\n\n");
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  sse(res, "message_start", {
    message: {
      id: `msg_summary_${n}`,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  sse(res, "content_block_start", { index: 0, content_block: { type: "text", text: "" } });
  for (const part of pieces(text, 64)) {
    sse(res, "content_block_delta", { index: 0, delta: { type: "text_delta", text: part } });
  }
  sse(res, "content_block_stop", { index: 0 });
  const outputTokens = Math.ceil(text.length / 4);
  sse(res, "message_delta", {
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  sse(res, "message_stop", {});
  res.end();
  return outputTokens;
}

/** Starts the server; returns { port, startRound({ caching }), records(), close() }. */
export async function startCacheServer({ turns, maxRequests }) {
  let records = [];
  let cache = new PromptCache();
  let previousTurn; // the last scripted request's accounting, to locate where the prefix changed
  let summaries = 0;

  const handle = (res, body, bytes) => {
    const record = { n: records.length + 1, bodyBytes: bytes, status: 200 };
    records.push(record);
    if (records.length > maxRequests) {
      record.status = 400;
      return apiError(res, 400, "invalid_request_error", `more than ${maxRequests} requests in one round`);
    }
    const model = String(body.model ?? "unknown");
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const priced = cache.account(body);
    Object.assign(record, {
      model,
      blocks: priced.blocks,
      breakpoints: priced.breakpoints,
      totalTokens: Object.values(priced.usage).reduce((a, b) => a + b, 0),
      ...priced.usage,
    });
    if (isSummaryRequest(body)) {
      summaries++;
      record.kind = "summary";
      record.output_tokens = streamSummary(res, { model, usage: priced.usage, n: summaries });
      return;
    }
    const turn = turnOf(messages);
    record.kind = "turn";
    record.turn = turn;
    record.resultsOk = resultsCameBack(messages, turn, turns);
    if (previousTurn) {
      const diff = firstDifference(previousTurn, priced);
      if (diff) record.prefixBreak = diff;
      // What the previous turn wrote up to its rolling breakpoint, and whether this request read all of it.
      record.readAllOfPrevious = priced.readBytes >= previousTurn.readBytes + previousTurn.writeBytes;
    }
    previousTurn = priced;
    record.output_tokens = stream(withUsage(res, priced.usage), {
      turn,
      turns,
      model,
      inputTokens: priced.usage.input_tokens,
    });
  };

  const server = http.createServer((req, res) => {
    receiveMessages(req, res, (raw, bytes) => {
      const body = parseBody(res, raw);
      if (body === undefined) return;
      try {
        handle(res, body, bytes);
      } catch (error) {
        if (!res.headersSent) apiError(res, 500, "api_error", String(error?.message ?? error));
        else res.end();
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    port: server.address().port,
    startRound: ({ caching }) => {
      records = [];
      cache = new PromptCache({ caching });
      previousTurn = undefined;
      summaries = 0;
    },
    records: () => records,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
