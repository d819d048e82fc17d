// A model of Anthropic's prompt cache for `npm run bench:context`. A request body is cut into blocks in
// the order the API builds the prompt — tools, then system blocks, then each message's content blocks — and
// every block is serialised without its `cache_control` (a marker is not part of the cached text), a string
// `system` or message `content` counting as one text block, as the API treats it. Blocks that carried
// `cache_control` are breakpoints. The cache holds one entry per breakpoint prefix of every earlier request
// of the run (keyed by a hash chain over the model and the blocks, so equal keys mean byte-identical
// prefixes). A request reads the longest cached prefix that ends within LOOKBACK_BLOCKS blocks before one
// of its own breakpoints (the API's documented look-back), writes from there up to its last breakpoint,
// and pays plain input for the rest. Tokens are bytes / 4. Not modelled: the minimum cacheable length, the
// 5-minute lifetime (a run takes seconds), the 1-hour cache.
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";

export const BYTES_PER_TOKEN = 4;
export const LOOKBACK_BLOCKS = 20;

function withoutMarker(block) {
  if (block === null || typeof block !== "object" || !("cache_control" in block)) {
    return { value: block, marked: false };
  }
  const copy = { ...block };
  delete copy.cache_control;
  return { value: copy, marked: true };
}

const asBlocks = (content) =>
  typeof content === "string" ? [{ type: "text", text: content }] : (content ?? []);

/** The prompt's blocks in API order: { label, text, breakpoint }. `honourMarkers: false` = caching off. */
export function promptBlocks(body, { honourMarkers = true } = {}) {
  const out = [];
  const push = (label, value, marked) =>
    out.push({ label, text: JSON.stringify(value), breakpoint: honourMarkers && marked });
  (body.tools ?? []).forEach((tool, i) => {
    const { value, marked } = withoutMarker(tool);
    push(`tools[${i}] ${tool.name}`, ["tool", value], marked);
  });
  asBlocks(body.system).forEach((block, i) => {
    const { value, marked } = withoutMarker(block);
    push(`system[${i}]`, ["system", value], marked);
  });
  (body.messages ?? []).forEach((message, m) => {
    asBlocks(message.content).forEach((block, b) => {
      const { value, marked } = withoutMarker(block);
      // The first block of a message carries its role, so message boundaries are part of the text.
      push(
        `messages[${m}].content[${b}] ${message.role} ${block.type}`,
        [b === 0 ? message.role : "", value],
        marked,
      );
    });
  });
  return out;
}

/** Cumulative byte offsets and prefix hashes: ends[i] / hashes[i] describe blocks [0, i). */
function chain(model, blocks) {
  const ends = [0];
  const hashes = [createHash("sha256").update(String(model)).digest("hex")];
  for (const block of blocks) {
    ends.push(ends.at(-1) + Buffer.byteLength(block.text));
    hashes.push(createHash("sha256").update(hashes.at(-1)).update("\u0000").update(block.text).digest("hex"));
  }
  return { ends, hashes };
}

const tokens = (bytes) => Math.floor(bytes / BYTES_PER_TOKEN);

/** The cache of one run: `account(body)` prices one request and stores its breakpoint prefixes. */
export class PromptCache {
  constructor({ caching = true } = {}) {
    this.caching = caching;
    this.entries = new Set();
  }

  account(body) {
    const blocks = promptBlocks(body, { honourMarkers: this.caching });
    const { ends, hashes } = chain(body.model, blocks);
    const breakpoints = blocks.flatMap((b, i) => (b.breakpoint ? [i + 1] : []));
    let readEnd = 0;
    for (const end of breakpoints) {
      for (let j = end; j >= Math.max(1, end - LOOKBACK_BLOCKS); j--) {
        if (this.entries.has(hashes[j])) {
          readEnd = Math.max(readEnd, j);
          break;
        }
      }
    }
    const lastBreakpoint = breakpoints.at(-1) ?? 0;
    for (const end of breakpoints) this.entries.add(hashes[end]);
    const totalBytes = ends.at(-1);
    const readBytes = ends[readEnd];
    const writtenUpTo = Math.max(readBytes, ends[lastBreakpoint]);
    const total = Math.ceil(totalBytes / BYTES_PER_TOKEN);
    const read = tokens(readBytes);
    const write = tokens(writtenUpTo) - read;
    return {
      blocks: blocks.length,
      breakpoints: breakpoints.length,
      totalBytes,
      readBytes,
      writeBytes: writtenUpTo - readBytes,
      usage: {
        input_tokens: total - read - write,
        cache_read_input_tokens: read,
        cache_creation_input_tokens: write,
      },
      /** Where the read stopped: the first block after the cached prefix (undefined if all was read). */
      readUpTo: readEnd,
      labels: blocks.map((b) => b.label),
      texts: blocks.map((b) => b.text),
    };
  }
}

/**
 * Where `current` stops being byte-identical to `previous` (both `account` results): the first differing
 * block's index and labels, or undefined when `previous` is a prefix of `current`.
 */
export function firstDifference(previous, current) {
  const n = Math.min(previous.texts.length, current.texts.length);
  for (let i = 0; i < n; i++) {
    if (previous.texts[i] !== current.texts[i]) {
      return { index: i, was: previous.labels[i], now: current.labels[i] };
    }
  }
  if (current.texts.length < previous.texts.length) {
    return { index: n, was: previous.labels[n], now: "(end: blocks removed)" };
  }
  return undefined;
}
