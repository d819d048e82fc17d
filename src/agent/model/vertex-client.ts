/**
 * Google Vertex AI through @anthropic-ai/vertex-sdk: requests carry a Google OAuth token, either
 * the one given or one from Google's application default credentials. Everything else is shared
 * (sdk-model-client.ts).
 */
import { ModelError } from "../model-types.js";
import { nonEmpty, oneLine, type SdkBackend } from "./sdk-backend.js";

export interface VertexOptions {
  /** The Google Cloud region (vertex), or the AWS region (bedrock). Defaults to env.CLOUD_ML_REGION for vertex. */
  region?: string;
  /** Defaults to env.ANTHROPIC_VERTEX_PROJECT_ID. */
  projectId?: string;
  /** A Google OAuth access token to send as it is; without one, application default credentials are used. */
  accessToken?: string;
  /** Defaults to env.ANTHROPIC_VERTEX_BASE_URL, then the region's endpoint. */
  baseURL?: string;
  env?: Record<string, string | undefined>;
}

export const MISSING_VERTEX_REGION =
  "CLOUD_ML_REGION is not set: set it (or the region option) to the Google Cloud region that serves the model, such as us-east5, or global.";
export const MISSING_VERTEX_PROJECT =
  "ANTHROPIC_VERTEX_PROJECT_ID is not set: set it (or the projectId option) to the Google Cloud project that has Claude enabled in Vertex AI.";

const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const CREDENTIALS_HELP =
  "set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, run `gcloud auth application-default login`, or run where a service account is attached";

export function vertexBackend(opts: VertexOptions): SdkBackend {
  const env = opts.env ?? process.env;
  const region = nonEmpty(opts.region) ?? nonEmpty(env.CLOUD_ML_REGION);
  const projectId = nonEmpty(opts.projectId) ?? nonEmpty(env.ANTHROPIC_VERTEX_PROJECT_ID);
  const baseURL = nonEmpty(opts.baseURL) ?? nonEmpty(env.ANTHROPIC_VERTEX_BASE_URL);
  const accessToken = nonEmpty(opts.accessToken);
  const keyFile = nonEmpty(env.GOOGLE_APPLICATION_CREDENTIALS);

  return {
    words: {
      name: "Google Vertex AI",
      subject: "Google Vertex AI",
      credential: "these Google credentials",
      unauthorized: `Google Vertex AI rejected the Google credentials (401): ${
        accessToken === undefined
          ? "check the application default credentials (GOOGLE_APPLICATION_CREDENTIALS, or gcloud's login)."
          : "the access token given is not valid, or has expired."
      }`,
      raiseLimits: "ask Google for a higher Vertex AI quota for this model in this region",
      credentialsHelp: CREDENTIALS_HELP,
    },
    missing() {
      if (region === undefined) return MISSING_VERTEX_REGION;
      if (projectId === undefined) return MISSING_VERTEX_PROJECT;
      return undefined;
    },
    async create(common) {
      const [{ AnthropicVertex }, { GoogleAuth, OAuth2Client }] = await Promise.all([
        import("@anthropic-ai/vertex-sdk"),
        import("google-auth-library"),
      ]);
      let authClient;
      if (accessToken !== undefined) {
        // The SDK only sends what an auth client gives it: a client holding just this token.
        authClient = new OAuth2Client();
        authClient.setCredentials({ access_token: accessToken });
      } else {
        try {
          const auth = new GoogleAuth({
            scopes: CLOUD_PLATFORM_SCOPE,
            ...(keyFile !== undefined ? { keyFilename: keyFile } : {}),
          });
          authClient = await auth.getClient();
        } catch (error) {
          const said = error instanceof Error ? `: ${oneLine(error.message, 300)}` : "";
          throw new ModelError(
            "auth",
            `could not find Google credentials for Google Vertex AI${said}; ${CREDENTIALS_HELP}.`,
          );
        }
      }
      return new AnthropicVertex({
        ...common,
        region,
        projectId,
        // null, not undefined: the SDK would read process.env itself and bypass `env`.
        baseURL: baseURL ?? null,
        authClient,
      });
    },
    secrets: accessToken === undefined ? [] : [accessToken],
  };
}
