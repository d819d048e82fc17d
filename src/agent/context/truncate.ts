import type { ContentBlock, Message } from "../model-types.js";
import { CHARS_PER_TOKEN } from "./token-count.js";

/** The first cap is this share of the target (in characters); it halves until everything fits. */
export const TRUNCATE_SHARE = 0.1;
/** No block is cut below this many characters. */
export const MIN_CUT_CHARS = 400;
/** The original request and the last message (what the model answers next) keep at least this much. */
export const PROTECTED_FLOOR_CHARS = 4000;

/** Keep the head and the tail (errors and summaries tend to sit at the end of an output). */
export function cutText(text: string, cap: number): string {
  if (text.length <= cap) return text;
  const marker = `\n…[${text.length - cap} characters cut to fit the context window]…\n`;
  const room = Math.max(0, cap - marker.length);
  const head = Math.ceil(room / 2);
  return text.slice(0, head) + marker + text.slice(text.length - (room - head));
}

function cutBlock(block: ContentBlock, cap: number): ContentBlock {
  switch (block.type) {
    case "text":
      return block.text.length > cap ? { ...block, text: cutText(block.text, cap) } : block;
    case "tool_result":
      return block.content.length > cap ? { ...block, content: cutText(block.content, cap) } : block;
    case "tool_use": {
      // Big inputs (a whole file to write) are cut field by field; the input stays an object.
      const input = block.input;
      if (!input || typeof input !== "object" || Array.isArray(input)) return block;
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) {
        if (typeof v === "string" && v.length > cap) {
          out[k] = cutText(v, cap);
          changed = true;
        } else {
          out[k] = v;
        }
      }
      return changed ? { ...block, input: out } : block;
    }
  }
}

function cutMessage(message: Message, cap: number): Message {
  if (typeof message.content === "string") {
    return message.content.length > cap ? { ...message, content: cutText(message.content, cap) } : message;
  }
  const blocks = message.content.map((b) => cutBlock(b, cap));
  return blocks.some((b, i) => b !== (message.content as ContentBlock[])[i])
    ? { ...message, content: blocks }
    : message;
}

/**
 * Level 5: cut the longest contents to a cap, oldest message first, checking after each message; the
 * cap starts at a share of the target and halves (so the longest go first) down to MIN_CUT_CHARS. The
 * first and the last message are never cut below PROTECTED_FLOOR_CHARS. Returns a new array.
 */
export function truncateToFit(
  messages: readonly Message[],
  targetTokens: number,
  size: (m: readonly Message[]) => number,
): Message[] {
  const out = messages.slice();
  let cap = Math.max(MIN_CUT_CHARS, Math.floor(targetTokens * CHARS_PER_TOKEN * TRUNCATE_SHARE));
  for (;;) {
    for (let i = 0; i < out.length; i++) {
      if (size(out) <= targetTokens) return out;
      const m = out[i] as Message;
      const protectedMessage = i === 0 || i === out.length - 1;
      out[i] = cutMessage(m, protectedMessage ? Math.max(cap, PROTECTED_FLOOR_CHARS) : cap);
    }
    if (size(out) <= targetTokens || cap <= MIN_CUT_CHARS) return out;
    cap = Math.max(MIN_CUT_CHARS, Math.floor(cap / 2));
  }
}
