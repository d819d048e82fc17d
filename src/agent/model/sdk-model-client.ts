/**
 * The Messages API behind our ModelClient: streaming, retries (the SDK's own), and errors turned
 * into one plain sentence each, for Anthropic's API, Amazon Bedrock and Google Vertex AI alike (only the
 * SdkBackend differs: anthropic-client.ts, bedrock-client.ts, vertex-client.ts). This directory is the
 * only place that imports @anthropic-ai/sdk and its Bedrock and Vertex packages.
 */
import { ModelError, type ModelClient, type ModelRequest, type ModelResponse } from "../model-types.js";
import { fromApiMessage, toApiParams } from "./api-messages.js";
import { aborted, toModelError } from "./model-errors.js";
import type { MessagesSdk, SdkBackend } from "./sdk-backend.js";

export const DEFAULT_MAX_RETRIES = 4;

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
  /**
   * For Anthropic-compatible endpoints that do not know Anthropic-defined tool types (a local model
   * server, some gateways): every tool is sent as a custom tool with its JSON schema. Defaults to
   * env.PATCHWRIGHT_CUSTOM_TOOLS_ONLY being `true` or `1`.
   */
  customToolsOnly?: boolean;
  /** Where the environment variables are read from; defaults to process.env. */
  env?: Record<string, string | undefined>;
}

/** The shared part: one SDK client per ModelClient, a streamed request per `send`, errors as sentences. */
export function createSdkModelClient(backend: SdkBackend, opts: AnthropicClientOptions): ModelClient {
  const maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
  const flag = (opts.env ?? process.env)["PATCHWRIGHT_CUSTOM_TOOLS_ONLY"]?.trim().toLowerCase();
  const customToolsOnly = opts.customToolsOnly ?? (flag === "true" || flag === "1");
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
