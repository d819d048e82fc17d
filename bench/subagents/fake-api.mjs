// The fake Anthropic Messages API for `npm run bench:subagents`: node:http on 127.0.0.1 at a random
// port. Each request is answered after a fixed latency (the model's time per turn) with a real SSE
// stream, its usage priced by bench/context's prompt-cache model (one cache per scenario, shared by every
// agent of the run, as the API's cache is shared by every request of an organisation). What it answers
// comes from `script(who, body)`: who is the agent (its "You are agent-N" directive, else the lead) and
// its turn (assistant messages since that directive + 1), so agents running at once need no shared state.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { apiError, parseBody, pieces, receiveMessages, sse } from "../harness/fake-model.mjs";
import { PromptCache } from "../context/cache-model.mjs";

const MAX_REQUESTS = 5000;

/** The agent that sent a request and its turn. */
export function whoAndTurn(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const system = JSON.stringify(body.system ?? []);
  const teammate = /You are (agent-\d+), a teammate/.exec(system);
  let agent = teammate?.[1] ?? "lead";
  let from = 0;
  if (!teammate) {
    messages.forEach((m, i) => {
      const found = m.role === "user" ? /You are (agent-\d+)[,.]/.exec(JSON.stringify(m.content)) : null;
      if (found) {
        agent = found[1];
        from = i;
      }
    });
  }
  const turn = messages.slice(from).filter((m) => m.role === "assistant").length + 1;
  return { agent, turn, directive: JSON.stringify(messages[from] ?? "") };
}

function answer(res, { model, content, usage, n }) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  sse(res, "message_start", {
    message: {
      id: `msg_sub_${n}`,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  let produced = 0;
  content.forEach((block, index) => {
    if (block.type === "text") {
      sse(res, "content_block_start", { index, content_block: { type: "text", text: "" } });
      for (const text of pieces(block.text, 64)) {
        sse(res, "content_block_delta", { index, delta: { type: "text_delta", text } });
      }
      produced += block.text.length;
    } else {
      sse(res, "content_block_start", {
        index,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      });
      const json = JSON.stringify(block.input);
      for (const partial_json of pieces(json, 64)) {
        sse(res, "content_block_delta", { index, delta: { type: "input_json_delta", partial_json } });
      }
      produced += json.length;
    }
    sse(res, "content_block_stop", { index });
  });
  sse(res, "message_delta", {
    delta: { stop_reason: content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn" },
    usage: { output_tokens: Math.max(1, Math.ceil(produced / 4)) },
  });
  sse(res, "message_stop", {});
  res.end();
}

/** Starts the server; `scenario(script, latencyMs)` starts a fresh cache and record list. */
export async function startFakeApi() {
  let state = { script: () => [], latencyMs: 0, cache: new PromptCache(), records: [] };
  const server = http.createServer((req, res) =>
    receiveMessages(req, res, async (raw) => {
      const body = parseBody(res, raw);
      if (!body) return;
      const { script, latencyMs, cache, records } = state;
      if (records.length >= MAX_REQUESTS)
        return apiError(res, 400, "invalid_request_error", "too many requests");
      const priced = cache.account(body);
      const who = whoAndTurn(body);
      const total = Object.values(priced.usage).reduce((a, b) => a + b, 0);
      records.push({
        ...who,
        directive: undefined,
        at: Math.round(performance.now()),
        totalTokens: total,
        ...priced.usage,
      });
      let content;
      try {
        content = script(who, body);
      } catch (err) {
        return apiError(res, 400, "invalid_request_error", String(err.message));
      }
      if (latencyMs > 0) await sleep(latencyMs);
      answer(res, { model: String(body.model), content, usage: priced.usage, n: records.length });
    }),
  );
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    scenario(script, latencyMs) {
      state = { script, latencyMs, cache: new PromptCache(), records: [] };
      return state.records;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
