import type { ContentBlock, Message, Usage } from "../model-types.js";

/**
 * Claude's tokenizer averages roughly 3.5–4 characters per token on English prose and code, and fewer on
 * dense JSON, paths and non-Latin text. Dividing by 3.5 errs on the high side, which is the safe side for
 * a budget: we would rather compact a little early than send a request the API rejects. The estimate is
 * only used for the messages added since the last response (the API's count is the truth for the rest)
 * and inside compaction, so a cheap rule beats shipping a tokenizer.
 */
export const CHARS_PER_TOKEN = 3.5;
/**
 * Each block (and each message) is wrapped in role markers and structure the API counts but whose text we
 * never see: about a handful of tokens each; tool_use/tool_result ids add a few more.
 */
export const BLOCK_OVERHEAD_TOKENS = 5;
export const MESSAGE_OVERHEAD_TOKENS = 4;

function textTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function blockTokens(block: ContentBlock): number {
  switch (block.type) {
    case "text":
      return BLOCK_OVERHEAD_TOKENS + textTokens(block.text);
    case "tool_use":
      return BLOCK_OVERHEAD_TOKENS + textTokens(block.id + block.name + (JSON.stringify(block.input) ?? ""));
    case "tool_result":
      return BLOCK_OVERHEAD_TOKENS + textTokens(block.tool_use_id + block.content);
  }
}

function messageTokens(message: Message): number {
  const content = message.content;
  return (
    MESSAGE_OVERHEAD_TOKENS +
    (typeof content === "string"
      ? BLOCK_OVERHEAD_TOKENS + textTokens(content)
      : content.reduce((sum, b) => sum + blockTokens(b), 0))
  );
}

/** A cheap, deterministic estimate of what `value` costs in input tokens (see CHARS_PER_TOKEN). */
export function estimateTokens(value: string | Message | readonly Message[]): number {
  if (typeof value === "string") return textTokens(value);
  if (isMessageArray(value)) return value.reduce((sum, m) => sum + messageTokens(m), 0);
  return messageTokens(value);
}

function isMessageArray(value: Message | readonly Message[]): value is readonly Message[] {
  return Array.isArray(value);
}

/** Everything the API read for one request: fresh input plus what it read from or wrote to the cache. */
export function promptTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens;
}

/**
 * The running size of the conversation. The API's reported usage is the truth for what was sent (system
 * prompt and tools included); only the messages added since then are estimated.
 *
 *   meter.observe(response.usage, messagesSentInThatRequest);
 *   if (meter.current(messages) >= triggerTokens) ...compact...; meter.reset();
 */
export class ContextMeter {
  private reported: number | undefined;
  private sent = 0;

  /**
   * `overhead`: what the API counts beyond our estimate of the messages (system prompt, tools, estimate
   * error); the caller's estimate until the first report, learnt from each report after it.
   */
  constructor(private overhead = 0) {}

  /** After each response: `messagesSent` is how many messages the request held. */
  observe(usage: Usage, messagesSent: number): void {
    this.reported = promptTokens(usage);
    this.sent = messagesSent;
  }

  /** The last reported count plus an estimate for the messages added since. */
  current(messages: readonly Message[]): number {
    if (this.reported === undefined || messages.length < this.sent) {
      return this.overhead + estimateTokens(messages);
    }
    this.overhead = Math.max(0, this.reported - estimateTokens(messages.slice(0, this.sent)));
    return this.reported + estimateTokens(messages.slice(this.sent));
  }

  /**
   * After compaction rewrote the history: the reported count no longer describes it, so until the next
   * response `current` is the estimate plus the overhead learnt from the last report.
   */
  reset(): void {
    this.reported = undefined;
    this.sent = 0;
  }
}
