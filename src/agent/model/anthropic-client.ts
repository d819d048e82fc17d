/**
 * The Messages API behind our ModelClient: streaming, retries (the SDK's own), and errors turned
 * into one plain sentence each. This directory is the only place that imports @anthropic-ai/sdk.
 */
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AnthropicError,
} from "@anthropic-ai/sdk";
import type {
  ContentBlockParam,
  Message as ApiMessage,
  MessageParam,
  MessageStreamParams,
  TextBlockParam,
  ToolUnion,
} from "@anthropic-ai/sdk/resources/messages/messages";
import {
  ModelError,
  type ContentBlock,
  type Message,
  type ModelClient,
  type ModelRequest,
  type ModelResponse,
  type ToolSpec,
} from "../model-types.js";

export const DEFAULT_BASE_URL = "https://api.anthropic.com";
export const DEFAULT_MAX_RETRIES = 4;
/** The API accepts at most this many cache_control breakpoints in one request. */
const MAX_CACHE_BREAKPOINTS = 4;

export interface AnthropicClientOptions {
  /** Defaults to env.ANTHROPIC_API_KEY. */
  apiKey?: string;
  /** Defaults to env.ANTHROPIC_BASE_URL, then https://api.anthropic.com. */
  baseURL?: string;
  fetch?: typeof fetch;
  /** Retries of 408, 409, 429, 5xx, 529 and connection failures, with backoff and `retry-after`. Default 4. */
  maxRetries?: number;
  /** Per-attempt time limit in ms (the SDK's default is 10 minutes). */
  timeoutMs?: number;
  /** For Anthropic-compatible endpoints that do not know Anthropic-defined tool types. */
  customToolsOnly?: boolean;
  /** Where the ANTHROPIC_* variables are read from; defaults to process.env. */
  env?: Record<string, string | undefined>;
}

export type ModelProvider = "anthropic" | "bedrock" | "vertex";

export interface ModelClientConfig extends AnthropicClientOptions {
  provider: ModelProvider;
}

/** A client for the configured provider. Only `anthropic` exists yet; the others fail plainly. */
export function createModelClient(config: ModelClientConfig): ModelClient {
  const { provider, ...opts } = config;
  if (provider === "anthropic") return createAnthropicClient(opts);
  throw new ModelError(
    "bad_request",
    `The ${provider} provider is not built yet: use anthropic, or an Anthropic-compatible endpoint through ANTHROPIC_BASE_URL.`,
  );
}

export const MISSING_API_KEY =
  "ANTHROPIC_API_KEY is not set: add it as a secret (or environment variable) holding an Anthropic API key.";

export function createAnthropicClient(opts: AnthropicClientOptions = {}): ModelClient {
  const env = opts.env ?? process.env;
  const apiKey = nonEmpty(opts.apiKey) ?? nonEmpty(env.ANTHROPIC_API_KEY);
  const baseURL = nonEmpty(opts.baseURL) ?? nonEmpty(env.ANTHROPIC_BASE_URL) ?? DEFAULT_BASE_URL;
  const maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
  const customToolsOnly = opts.customToolsOnly ?? false;
  let sdk: Anthropic | undefined;

  return {
    async send(request: ModelRequest, onText?: (delta: string) => void): Promise<ModelResponse> {
      if (apiKey === undefined) {
        throw new ModelError("auth", MISSING_API_KEY);
      }
      if (request.signal?.aborted) throw aborted();
      sdk ??= new Anthropic({
        apiKey,
        baseURL,
        maxRetries,
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
        ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
        // Nothing from the SDK reaches our logs (its debug lines carry request details).
        logLevel: "off",
        openTelemetry: false,
      });
      try {
        const stream = sdk.messages.stream(
          toApiParams(request, { customToolsOnly }),
          request.signal ? { signal: request.signal } : {},
        );
        if (onText) stream.on("text", (delta) => onText(delta));
        const message = await stream.finalMessage();
        return fromApiMessage(message);
      } catch (error) {
        throw toModelError(error, {
          model: request.model,
          baseURL,
          maxRetries,
          apiKey,
          signal: request.signal,
        });
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Request mapping

/** The two Anthropic-defined client tools, with the names the model was trained on. */
const ANTHROPIC_TOOL_NAMES = {
  text_editor_20250728: "str_replace_based_edit_tool",
  bash_20250124: "bash",
} as const;

/** Custom-tool equivalents of the Anthropic-defined tools, for endpoints without them. */
const CUSTOM_EQUIVALENTS: Record<keyof typeof ANTHROPIC_TOOL_NAMES, { description: string; schema: object }> =
  {
    bash_20250124: {
      description:
        "Run a command in a persistent bash shell (state such as the working directory carries over between calls). " +
        "Set restart to true to start a fresh shell.",
      schema: {
        type: "object",
        properties: {
          command: { type: "string", description: "The bash command to run." },
          restart: { type: "boolean", description: "Restart the shell instead of running a command." },
        },
      },
    },
    text_editor_20250728: {
      description:
        "View, create and edit files. view: show a file with line numbers (optionally a view_range) or list a directory. " +
        "create: write file_text to a new file. str_replace: replace old_str, which must occur exactly once, with new_str. " +
        "insert: insert insert_text after line insert_line (0 for the top of the file).",
      schema: {
        type: "object",
        properties: {
          command: { type: "string", enum: ["view", "create", "str_replace", "insert"] },
          path: { type: "string", description: "Path of the file or directory." },
          file_text: { type: "string", description: "create: the new file's content." },
          old_str: { type: "string", description: "str_replace: the exact text to replace." },
          new_str: { type: "string", description: "str_replace: the replacement text." },
          insert_line: { type: "integer", description: "insert: the line after which to insert." },
          insert_text: { type: "string", description: "insert: the text to insert." },
          view_range: {
            type: "array",
            items: { type: "integer" },
            minItems: 2,
            maxItems: 2,
            description: "view: [first, last] line, 1-based; last may be -1 for the end of the file.",
          },
        },
        required: ["command", "path"],
      },
    },
  };

export function toApiTools(tools: ToolSpec[], customToolsOnly = false): ToolUnion[] {
  return tools.map((tool): ToolUnion => {
    if (tool.kind === "custom") {
      return {
        name: tool.name,
        description: tool.description,
        input_schema: tool.inputSchema as { type: "object"; [key: string]: unknown },
      };
    }
    const name = ANTHROPIC_TOOL_NAMES[tool.type];
    if (customToolsOnly) {
      const equivalent = CUSTOM_EQUIVALENTS[tool.type];
      return {
        name,
        description: equivalent.description,
        input_schema: structuredClone(equivalent.schema) as { type: "object"; [key: string]: unknown },
      };
    }
    return tool.type === "bash_20250124"
      ? { type: "bash_20250124", name: "bash" }
      : { type: "text_editor_20250728", name: "str_replace_based_edit_tool" };
  });
}

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
  return {
    role: message.role,
    content: typeof message.content === "string" ? message.content : message.content.map(toApiBlock),
  };
}

const EPHEMERAL = { type: "ephemeral" } as const;

/**
 * The request body. Cache breakpoints: the last tool, the system blocks marked `cache` (the
 * latest ones if there are too many), and a rolling one on the last message's last block, so the
 * next turn reads the whole conversation so far from the cache.
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
  const lastMessage = messages.at(-1);
  if (lastMessage) {
    const blocks: ContentBlockParam[] =
      typeof lastMessage.content === "string"
        ? [{ type: "text", text: lastMessage.content }]
        : lastMessage.content;
    const lastBlock = blocks.at(-1);
    // The API refuses a breakpoint on an empty text block.
    if (lastBlock && !(lastBlock.type === "text" && !lastBlock.text)) {
      (lastBlock as { cache_control?: typeof EPHEMERAL }).cache_control = EPHEMERAL;
      lastMessage.content = blocks;
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

// ---------------------------------------------------------------------------------------------
// Response mapping

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

// ---------------------------------------------------------------------------------------------
// Errors

interface ErrorContext {
  model: string;
  baseURL: string;
  maxRetries: number;
  apiKey: string;
  signal: AbortSignal | undefined;
}

function aborted(): ModelError {
  return new ModelError("aborted", "the model request was aborted.");
}

/** One sentence for a person; the key is scrubbed from anything the server or SDK said. */
export function toModelError(error: unknown, ctx: ErrorContext): ModelError {
  const mapped = describe(error, ctx);
  return new ModelError(mapped.kind, redact(mapped.message, ctx.apiKey));
}

function describe(error: unknown, ctx: ErrorContext): ModelError {
  if (error instanceof ModelError) return error;
  if (error instanceof APIUserAbortError || ctx.signal?.aborted) return aborted();
  const retries = `after ${ctx.maxRetries} ${ctx.maxRetries === 1 ? "retry" : "retries"}`;
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelError(
      "network",
      `the request to the Anthropic API at ${host(ctx.baseURL)} timed out ${retries}.`,
    );
  }
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${oneLine(error.cause.message)}` : "";
    return new ModelError(
      "network",
      `could not reach the Anthropic API at ${host(ctx.baseURL)} ${retries}${cause}.`,
    );
  }
  if (error instanceof APIError) {
    const said = error.apiMessage ? oneLine(error.apiMessage) : "";
    const saying = said ? `: ${said}` : ".";
    const status = error.status as number | undefined;
    if (status === 401) {
      return new ModelError(
        "auth",
        "the Anthropic API rejected the key (401): check that ANTHROPIC_API_KEY holds a valid, active API key.",
      );
    }
    if (status === 403) {
      return new ModelError(
        "auth",
        `the Anthropic API refused this key permission for the request (403)${saying}`,
      );
    }
    if (status === 404) {
      return new ModelError(
        "bad_request",
        `the model ${ctx.model} does not exist for this key (404 from ${host(ctx.baseURL)})${saying}`,
      );
    }
    if (status === 429 || error.type === "rate_limit_error") {
      return new ModelError(
        "rate_limit",
        `Anthropic's API kept rate-limiting this key (429) ${retries}; try again later or raise the key's limits.`,
      );
    }
    if (status === 529 || error.type === "overloaded_error") {
      return new ModelError("overloaded", "Anthropic's API is overloaded; try again later.");
    }
    if (status === undefined || status >= 500) {
      // No status: an error event inside a stream that had started (not retried by the SDK).
      const what =
        status === undefined ? "failed while streaming its response" : `failed with ${status} ${retries}`;
      return new ModelError("server", `Anthropic's API ${what}${saying}`);
    }
    return new ModelError("bad_request", `the Anthropic API refused the request (${status})${saying}`);
  }
  if (error instanceof AnthropicError) {
    return new ModelError(
      "server",
      `the Anthropic API's response could not be read: ${oneLine(error.message)}`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError("network", `the request to the Anthropic API failed: ${oneLine(message)}`);
}

function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join("[redacted]") : text;
}

function oneLine(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function host(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    return "the configured ANTHROPIC_BASE_URL";
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
