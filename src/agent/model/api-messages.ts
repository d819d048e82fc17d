/** Our conversation model to the Messages API's request body, and its response back. */
import type {
  ContentBlockParam,
  Message as ApiMessage,
  MessageParam,
  MessageStreamParams,
  TextBlockParam,
} from "@anthropic-ai/sdk/resources/messages/messages";
import type { ContentBlock, Message, ModelRequest, ModelResponse } from "../model-types.js";
import { toApiTools } from "./api-tools.js";

/** The API accepts at most this many cache_control breakpoints in one request. */
const MAX_CACHE_BREAKPOINTS = 4;

function toApiBlock(block: ContentBlock): ContentBlockParam {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: block.input };
    case "tool_result":
      return {
        type: "tool_result",
        tool_use_id: block.tool_use_id,
        content: block.content,
        ...(block.is_error !== undefined ? { is_error: block.is_error } : {}),
      };
  }
}

function toApiMessage(message: Message): MessageParam {
  // Always blocks, never a bare string: the last message gets its breakpoint on a block, and the same
  // message must serialise the same way once it is no longer last, or the cached prefix breaks there.
  return {
    role: message.role,
    content:
      typeof message.content === "string"
        ? [{ type: "text", text: message.content }]
        : message.content.map(toApiBlock),
  };
}

const EPHEMERAL = { type: "ephemeral" } as const;

/**
 * The request body. Cache breakpoints: the last tool, the system blocks marked `cache` (the
 * latest ones if there are too many), and a rolling one on the last message's last block (or on
 * `cacheBreakpointAt`'s), so the next turn reads the whole conversation so far from the cache.
 */
export function toApiParams(
  request: ModelRequest,
  opts: { customToolsOnly?: boolean } = {},
): MessageStreamParams {
  const tools = toApiTools(request.tools, opts.customToolsOnly);
  const messages = request.messages.map(toApiMessage);

  let used = 0;
  const lastTool = tools.at(-1);
  if (lastTool) {
    lastTool.cache_control = EPHEMERAL;
    used++;
  }
  const marked = messages.at(request.cacheBreakpointAt ?? -1);
  if (marked) {
    const blocks: ContentBlockParam[] =
      typeof marked.content === "string" ? [{ type: "text", text: marked.content }] : marked.content;
    const lastBlock = blocks.at(-1);
    // The API refuses a breakpoint on an empty text block.
    if (lastBlock && !(lastBlock.type === "text" && !lastBlock.text)) {
      (lastBlock as { cache_control?: typeof EPHEMERAL }).cache_control = EPHEMERAL;
      marked.content = blocks;
      used++;
    }
  }
  let systemBudget = MAX_CACHE_BREAKPOINTS - used;
  const system: TextBlockParam[] = request.system.map((block) => ({ type: "text", text: block.text }));
  for (let i = request.system.length - 1; i >= 0; i--) {
    if (request.system[i]!.cache && systemBudget > 0) {
      system[i]!.cache_control = EPHEMERAL;
      systemBudget--;
    }
  }

  return {
    model: request.model,
    max_tokens: request.maxTokens,
    ...(system.length > 0 ? { system } : {}),
    messages,
    ...(tools.length > 0 ? { tools } : {}),
  };
}

export function fromApiMessage(message: ApiMessage): ModelResponse {
  const content: ContentBlock[] = [];
  for (const block of message.content) {
    if (block.type === "text") content.push({ type: "text", text: block.text });
    else if (block.type === "tool_use")
      content.push({ type: "tool_use", id: block.id, name: block.name, input: block.input });
    // Thinking and server-side blocks are not part of our conversation model.
  }
  const usage = message.usage;
  return {
    model: message.model,
    content,
    stopReason: message.stop_reason ?? "unknown",
    usage: {
      inputTokens: usage.input_tokens ?? 0,
      outputTokens: usage.output_tokens ?? 0,
      cacheCreationInputTokens: usage.cache_creation_input_tokens ?? 0,
      cacheReadInputTokens: usage.cache_read_input_tokens ?? 0,
    },
  };
}
