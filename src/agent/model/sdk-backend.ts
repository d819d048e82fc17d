/**
 * What differs between Anthropic's API, Amazon Bedrock and Google Vertex AI: how the SDK client is
 * built, and the words the error sentences use. Streaming, mapping and error handling are shared
 * (sdk-model-client.ts).
 */
import type Anthropic from "@anthropic-ai/sdk";

/** The part of an SDK client the shared code uses; Anthropic, AnthropicBedrock and AnthropicVertex all have it. */
export interface MessagesSdk {
  messages: Pick<Anthropic["messages"], "stream">;
  baseURL: string;
}

/** Options every SDK client gets the same way. */
export interface CommonSdkOptions {
  maxRetries: number;
  fetch?: typeof fetch;
  timeout?: number;
  logLevel: "off";
  openTelemetry: false;
}

/** The words the shared error sentences use for one service. */
export interface ServiceWords {
  /** As an object: "could not reach the Anthropic API at …". */
  name: string;
  /** As a subject: "Anthropic's API is overloaded". */
  subject: string;
  /** What was used to authenticate: "this key". */
  credential: string;
  /** The whole sentence for a 401. */
  unauthorized: string;
  /** The end of the rate-limit sentence: "try again later or …". */
  raiseLimits: string;
  /** Where the credentials come from, for a failure to obtain them (providers that fetch them). */
  credentialsHelp?: string;
}

export interface SdkBackend {
  words: ServiceWords;
  /** A sentence saying what configuration is missing, or undefined when nothing is. */
  missing(): string | undefined;
  /** Builds the SDK client; called once, on the first request, after `missing()` said nothing. */
  create(common: CommonSdkOptions): Promise<MessagesSdk>;
  /** Values that must never appear in an error message. */
  secrets: string[];
}

export function oneLine(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function nonEmpty(value: string | undefined | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
