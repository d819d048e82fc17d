/**
 * The Messages API behind our ModelClient: streaming, retries (the SDK's own), and errors turned
 * into one plain sentence each, for Anthropic's API, Amazon Bedrock and Google Vertex AI alike (only the
 * SDK client differs: bedrock-client.ts, vertex-client.ts). This directory is the only place that
 * imports @anthropic-ai/sdk and its Bedrock and Vertex packages.
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
} from "../model-types.js";
import type { ToolSpec } from "../../tools/tool-spec.js";
import { bedrockBackend, type BedrockOptions } from "./bedrock-client.js";
import { nonEmpty, oneLine, type MessagesSdk, type SdkBackend, type ServiceWords } from "./sdk-backend.js";
import { vertexBackend, type VertexOptions } from "./vertex-client.js";

export const DEFAULT_BASE_URL = "https://api.anthropic.com";
export const DEFAULT_MAX_RETRIES = 4;
/** The API accepts at most this many cache_control breakpoints in one request. */
const MAX_CACHE_BREAKPOINTS = 4;

export interface AnthropicClientOptions {
  /** Defaults to env.ANTHROPIC_API_KEY. */
  apiKey?: string;
  /**
   * Defaults to env.ANTHROPIC_BASE_URL, then https://api.anthropic.com. For bedrock and vertex, the
   * endpoint of that service instead (defaults: ANTHROPIC_BEDROCK_BASE_URL, ANTHROPIC_VERTEX_BASE_URL,
   * then the region's endpoint).
   */
  baseURL?: string;
  fetch?: typeof fetch;
  /** Retries of 408, 409, 429, 5xx, 529 and connection failures, with backoff and `retry-after`. Default 4. */
  maxRetries?: number;
  /** Per-attempt time limit in ms (the SDK's default is 10 minutes). */
  timeoutMs?: number;
  /** For Anthropic-compatible endpoints that do not know Anthropic-defined tool types. */
  customToolsOnly?: boolean;
  /** Where the environment variables are read from; defaults to process.env. */
  env?: Record<string, string | undefined>;
}

export const MODEL_PROVIDERS = ["anthropic", "bedrock", "vertex"] as const;
export type ModelProvider = (typeof MODEL_PROVIDERS)[number];

export interface ModelClientConfig
  extends
    AnthropicClientOptions,
    Omit<BedrockOptions, "env" | "baseURL">,
    Omit<VertexOptions, "env" | "baseURL"> {
  provider: ModelProvider;
}

/** A client for the configured provider; a missing setting is reported by the first `send`, before any request. */
export function createModelClient(config: ModelClientConfig): ModelClient {
  const { provider, ...opts } = config;
  switch (provider) {
    case "anthropic":
      return createAnthropicClient(opts);
    case "bedrock":
      return createSdkModelClient(bedrockBackend(opts), opts);
    case "vertex":
      return createSdkModelClient(vertexBackend(opts), opts);
    default:
      throw new ModelError(
        "bad_request",
        `The ${String(provider)} provider does not exist: use anthropic, bedrock or vertex.`,
      );
  }
}

/**
 * The setting the provider lacks, in one sentence, or undefined: what `send` would report, for a server
 * to check once at start. Credentials the SDKs find themselves (AWS's chain, Google's default
 * credentials) are only known at the first request.
 */
export function missingModelSetting(config: ModelClientConfig): string | undefined {
  const { provider, ...opts } = config;
  switch (provider) {
    case "anthropic":
      return (nonEmpty(opts.apiKey) ?? nonEmpty((opts.env ?? process.env).ANTHROPIC_API_KEY))
        ? undefined
        : MISSING_API_KEY;
    case "bedrock":
      return bedrockBackend(opts).missing();
    case "vertex":
      return vertexBackend(opts).missing();
  }
}

export const MISSING_API_KEY =
  "ANTHROPIC_API_KEY is not set: add it as a secret (or environment variable) holding an Anthropic API key.";

const ANTHROPIC_WORDS: ServiceWords = {
  name: "the Anthropic API",
  subject: "Anthropic's API",
  credential: "this key",
  unauthorized:
    "the Anthropic API rejected the key (401): check that ANTHROPIC_API_KEY holds a valid, active API key.",
  raiseLimits: "raise the key's limits",
};

export function createAnthropicClient(opts: AnthropicClientOptions = {}): ModelClient {
  const env = opts.env ?? process.env;
  const apiKey = nonEmpty(opts.apiKey) ?? nonEmpty(env.ANTHROPIC_API_KEY);
  const baseURL = nonEmpty(opts.baseURL) ?? nonEmpty(env.ANTHROPIC_BASE_URL) ?? DEFAULT_BASE_URL;
  return createSdkModelClient(
    {
      words: ANTHROPIC_WORDS,
      missing: () => (apiKey === undefined ? MISSING_API_KEY : undefined),
      create: (common) => Promise.resolve(new Anthropic({ ...common, apiKey: apiKey ?? null, baseURL })),
      secrets: apiKey === undefined ? [] : [apiKey],
    },
    opts,
  );
}

/** The shared part: one SDK client per ModelClient, a streamed request per `send`, errors as sentences. */
function createSdkModelClient(backend: SdkBackend, opts: AnthropicClientOptions): ModelClient {
  const maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
  const customToolsOnly = opts.customToolsOnly ?? false;
  let sdk: Promise<MessagesSdk> | undefined;
  let baseURL: string | undefined;

  return {
    async send(request: ModelRequest, onText?: (delta: string) => void): Promise<ModelResponse> {
      const missing = backend.missing();
      if (missing !== undefined) throw new ModelError("auth", missing);
      if (request.signal?.aborted) throw aborted();
      const ctx = () => ({
        model: request.model,
        words: backend.words,
        baseURL,
        maxRetries,
        secrets: backend.secrets,
        signal: request.signal,
      });
      try {
        sdk ??= backend.create({
          maxRetries,
          ...(opts.fetch ? { fetch: opts.fetch } : {}),
          ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
          // Nothing from the SDK reaches our logs (its debug lines carry request details).
          logLevel: "off",
          openTelemetry: false,
        });
        const client = await sdk.catch((error: unknown) => {
          sdk = undefined; // Try again on the next request.
          throw error;
        });
        baseURL = client.baseURL;
        const stream = client.messages.stream(
          toApiParams(request, { customToolsOnly }),
          request.signal ? { signal: request.signal } : {},
        );
        if (onText) stream.on("text", (delta) => onText(delta));
        const message = await stream.finalMessage();
        return fromApiMessage(message);
      } catch (error) {
        throw toModelError(error, ctx());
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Request mapping

/** The Anthropic-defined client tools, with the names the model was trained on. */
const ANTHROPIC_TOOL_NAMES = {
  text_editor_20250728: "str_replace_based_edit_tool",
  bash_20250124: "bash",
  memory_20250818: "memory",
} as const;

/** The inputs the text editor and the memory tool share (view, create, str_replace, insert). */
const FILE_EDIT_PROPERTIES = {
  view_range: {
    type: "array",
    items: { type: "integer" },
    minItems: 2,
    maxItems: 2,
    description: "view: [first, last] line, 1-based; last may be -1 for the end of the file.",
  },
  file_text: { type: "string", description: "create: the file's content." },
  old_str: { type: "string", description: "str_replace: the exact text to replace." },
  new_str: { type: "string", description: "str_replace: the replacement text." },
  insert_line: { type: "integer", description: "insert: the line after which to insert." },
  insert_text: { type: "string", description: "insert: the text to insert." },
} as const;

/** Custom-tool equivalents of the Anthropic-defined tools, for endpoints without them. */
const CUSTOM_EQUIVALENTS: Record<keyof typeof ANTHROPIC_TOOL_NAMES, { description: string; schema: object }> =
  {
    bash_20250124: {
      description:
        "Run a command with bash in the repository. Each call is a fresh shell: cd and exports do not carry " +
        "over. restart: true only acknowledges.",
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
          ...FILE_EDIT_PROPERTIES,
        },
        required: ["command", "path"],
      },
    },
    memory_20250818: {
      description:
        "Long-term notes under /memories, kept between runs. view: list a directory or show a file with line " +
        "numbers (optionally a view_range). create: write file_text to path. str_replace: replace old_str, which " +
        "must occur exactly once, with new_str. insert: insert insert_text after line insert_line (0 for the top). " +
        "delete: remove path. rename: move old_path to new_path.",
      schema: {
        type: "object",
        properties: {
          command: {
            type: "string",
            enum: ["view", "create", "str_replace", "insert", "delete", "rename"],
          },
          path: { type: "string", description: "A path under /memories." },
          ...FILE_EDIT_PROPERTIES,
          old_path: { type: "string", description: "rename: the current path." },
          new_path: { type: "string", description: "rename: the new path." },
        },
        required: ["command"],
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
    if (tool.type === "memory_20250818") return { type: "memory_20250818", name: "memory" };
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
  words: ServiceWords;
  /** Undefined when the failure came before the SDK client existed. */
  baseURL: string | undefined;
  maxRetries: number;
  secrets: string[];
  signal: AbortSignal | undefined;
}

function aborted(): ModelError {
  return new ModelError("aborted", "the model request was aborted.");
}

/** One sentence for a person; credentials are scrubbed from anything the server or SDK said. */
export function toModelError(error: unknown, ctx: ErrorContext): ModelError {
  const mapped = describe(error, ctx);
  return new ModelError(mapped.kind, redact(mapped.message, ctx.secrets));
}

function describe(error: unknown, ctx: ErrorContext): ModelError {
  if (error instanceof ModelError) return error;
  if (error instanceof APIUserAbortError || ctx.signal?.aborted) return aborted();
  const { words } = ctx;
  const at = ctx.baseURL === undefined ? "" : ` at ${host(ctx.baseURL)}`;
  const retries = `after ${ctx.maxRetries} ${ctx.maxRetries === 1 ? "retry" : "retries"}`;
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelError("network", `the request to ${words.name}${at} timed out ${retries}.`);
  }
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${oneLine(error.cause.message, 300)}` : "";
    // The Bedrock and Vertex clients fetch credentials inside the request and report a failure
    // to get them as a connection error (so it is retried); it is a configuration problem.
    if (words.credentialsHelp && /credentials/i.test(error.message)) {
      return new ModelError(
        "auth",
        `could not get credentials for ${words.name} ${retries}${cause}; ${words.credentialsHelp}.`,
      );
    }
    return new ModelError("network", `could not reach ${words.name}${at} ${retries}${cause}.`);
  }
  if (error instanceof APIError) {
    const said = serverMessage(error);
    const saying = said ? `: ${said}` : ".";
    const status = error.status as number | undefined;
    const from = ctx.baseURL === undefined ? "" : ` from ${host(ctx.baseURL)}`;
    if (status === 401) {
      return new ModelError("auth", words.unauthorized);
    }
    if (status === 403) {
      return new ModelError(
        "auth",
        `${words.name} refused ${words.credential} permission for the request (403)${saying}`,
      );
    }
    if (status === 404) {
      return new ModelError(
        "bad_request",
        `the model ${ctx.model} does not exist for ${words.credential} (404${from})${saying}`,
      );
    }
    if (status === 429 || error.type === "rate_limit_error") {
      return new ModelError(
        "rate_limit",
        `${words.subject} kept rate-limiting ${words.credential} (429) ${retries}; try again later or ${words.raiseLimits}.`,
      );
    }
    if (status === 529 || error.type === "overloaded_error") {
      return new ModelError("overloaded", `${words.subject} is overloaded; try again later.`);
    }
    if (status === undefined || status >= 500) {
      // No status: an error event inside a stream that had started (not retried by the SDK).
      const what =
        status === undefined ? "failed while streaming its response" : `failed with ${status} ${retries}`;
      return new ModelError("server", `${words.subject} ${what}${saying}`);
    }
    return new ModelError("bad_request", `${words.name} refused the request (${status})${saying}`);
  }
  if (error instanceof AnthropicError) {
    return new ModelError("server", `${words.name}'s response could not be read: ${oneLine(error.message)}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError("network", `the request to ${words.name} failed: ${oneLine(message)}`);
}

/** Anthropic and Google put the message in `error.message`; AWS puts it at the top (`message`). */
function serverMessage(error: { error?: unknown; apiMessage: string | null }): string {
  const body: unknown = error.error;
  const aws =
    typeof body === "object" && body !== null
      ? ((body as { message?: unknown; Message?: unknown }).message ??
        (body as { Message?: unknown }).Message)
      : undefined;
  const said = error.apiMessage ?? (typeof aws === "string" ? aws : "");
  return said ? oneLine(said) : "";
}

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join("[redacted]");
  return out;
}

function host(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    return "the configured base URL";
  }
}
