/** Failures of the SDK as ModelErrors: one sentence for a person, never a stack trace or a key. */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AnthropicError,
} from "@anthropic-ai/sdk";
import { ModelError } from "../model-types.js";
import { oneLine, type ServiceWords } from "./sdk-backend.js";

export interface ErrorContext {
  model: string;
  words: ServiceWords;
  /** Undefined when the failure came before the SDK client existed. */
  baseURL: string | undefined;
  maxRetries: number;
  secrets: string[];
  signal: AbortSignal | undefined;
}

export function aborted(): ModelError {
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
