/**
 * Which service answers the model requests: Anthropic's API, Amazon Bedrock or Google Vertex AI, each
 * configured from its options or the environment (anthropic-client.ts, bedrock-client.ts,
 * vertex-client.ts) behind the one shared client (sdk-model-client.ts).
 */
import { ModelError, type ModelClient } from "../model-types.js";
import { anthropicBackend } from "./anthropic-client.js";
import { bedrockBackend, type BedrockOptions } from "./bedrock-client.js";
import { createSdkModelClient, type AnthropicClientOptions } from "./sdk-model-client.js";
import { vertexBackend, type VertexOptions } from "./vertex-client.js";

export const MODEL_PROVIDERS = ["anthropic", "bedrock", "vertex"] as const;
export type ModelProvider = (typeof MODEL_PROVIDERS)[number];
/** The providers as a sentence names them: "anthropic, bedrock or vertex". */
export const PROVIDER_NAMES = `${MODEL_PROVIDERS.slice(0, -1).join(", ")} or ${MODEL_PROVIDERS.at(-1)}`;

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
      return createSdkModelClient(anthropicBackend(opts), opts);
    case "bedrock":
      return createSdkModelClient(bedrockBackend(opts), opts);
    case "vertex":
      return createSdkModelClient(vertexBackend(opts), opts);
    default:
      throw new ModelError(
        "bad_request",
        `The ${String(provider)} provider does not exist: use ${PROVIDER_NAMES}.`,
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
      return anthropicBackend(opts).missing();
    case "bedrock":
      return bedrockBackend(opts).missing();
    case "vertex":
      return vertexBackend(opts).missing();
  }
}
