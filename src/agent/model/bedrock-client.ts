/**
 * Amazon Bedrock through @anthropic-ai/bedrock-sdk: requests are SigV4-signed with AWS credentials
 * (or carry a Bedrock API key), and the SDK turns Bedrock's binary event stream back into the
 * Messages API's events. Everything else is shared (sdk-model-client.ts).
 */
import { nonEmpty, type SdkBackend } from "./sdk-backend.js";

export interface BedrockOptions {
  /** The AWS region (bedrock), or the Google Cloud region (vertex). Defaults to env.AWS_REGION for bedrock. */
  region?: string;
  /** Defaults to env.ANTHROPIC_BEDROCK_BASE_URL, then https://bedrock-runtime.{region}.amazonaws.com. */
  baseURL?: string;
  env?: Record<string, string | undefined>;
}

export const MISSING_AWS_REGION =
  "AWS_REGION is not set: set it (or the region option) to the AWS region where Bedrock serves the model, such as us-east-1.";

export function bedrockBackend(opts: BedrockOptions): SdkBackend {
  const env = opts.env ?? process.env;
  const region = nonEmpty(opts.region) ?? nonEmpty(env.AWS_REGION);
  const baseURL = nonEmpty(opts.baseURL) ?? nonEmpty(env.ANTHROPIC_BEDROCK_BASE_URL);
  // Keys in the given environment are used as they are; without them, the SDK walks the standard
  // AWS chain (environment, shared config and credentials files, SSO, web identity, container and
  // instance roles).
  const accessKey = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  // A Bedrock API key, sent as a bearer token instead of signing.
  const bearer = nonEmpty(env.AWS_BEARER_TOKEN_BEDROCK);

  return {
    words: {
      name: "Amazon Bedrock",
      subject: "Amazon Bedrock",
      credential: "these AWS credentials",
      unauthorized:
        "Amazon Bedrock rejected the AWS credentials (401): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or the profile or role in use.",
      raiseLimits: "ask AWS for a higher Bedrock quota for this model in this region",
      credentialsHelp:
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary credentials) or AWS_PROFILE, or run where a role provides them",
    },
    missing: () => (region === undefined ? MISSING_AWS_REGION : undefined),
    async create(common) {
      const { AnthropicBedrock } = await import("@anthropic-ai/bedrock-sdk");
      const base = {
        ...common,
        awsRegion: region,
        // Given in full: the SDK would otherwise read process.env itself and bypass `env`.
        baseURL: baseURL ?? `https://bedrock-runtime.${region}.amazonaws.com`,
        // null, not undefined, for the same reason.
        apiKey: bearer ?? null,
      };
      if (accessKey !== undefined && secretKey !== undefined) {
        return new AnthropicBedrock({
          ...base,
          awsAccessKey: accessKey,
          awsSecretKey: secretKey,
          awsSessionToken: sessionToken ?? null,
        });
      }
      return new AnthropicBedrock(base);
    },
    secrets: [accessKey, secretKey, sessionToken, bearer].filter((s): s is string => s !== undefined),
  };
}
