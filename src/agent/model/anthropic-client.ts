/**
 * Anthropic's own API as an SdkBackend: an API key and a base URL, from the options or the
 * environment. Streaming, mapping and errors are shared with Bedrock and Vertex (sdk-model-client.ts).
 */
import Anthropic from "@anthropic-ai/sdk";
import type { ModelClient } from "../model-types.js";
import { nonEmpty, type SdkBackend, type ServiceWords } from "./sdk-backend.js";
import { createSdkModelClient, type AnthropicClientOptions } from "./sdk-model-client.js";

export const DEFAULT_BASE_URL = "https://api.anthropic.com";

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

export function anthropicBackend(opts: AnthropicClientOptions): SdkBackend {
  const env = opts.env ?? process.env;
  const apiKey = nonEmpty(opts.apiKey) ?? nonEmpty(env.ANTHROPIC_API_KEY);
  const baseURL = nonEmpty(opts.baseURL) ?? nonEmpty(env.ANTHROPIC_BASE_URL) ?? DEFAULT_BASE_URL;
  return {
    words: ANTHROPIC_WORDS,
    missing: () => (apiKey === undefined ? MISSING_API_KEY : undefined),
    create: (common) => Promise.resolve(new Anthropic({ ...common, apiKey: apiKey ?? null, baseURL })),
    secrets: apiKey === undefined ? [] : [apiKey],
  };
}

export function createAnthropicClient(opts: AnthropicClientOptions = {}): ModelClient {
  return createSdkModelClient(anthropicBackend(opts), opts);
}
