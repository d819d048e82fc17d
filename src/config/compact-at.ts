/**
 * The share of the model's context window past which a conversation is compacted (down to two thirds
 * of it), when the config says nothing. 0.45 keeps every request under half the window while the prompt
 * cache still serves at least 95% of the input tokens of a long session (measured on the 100-view
 * scripted session of `npm run bench:subagents`, docs/benchmarks.md): compactions are rare, big steps,
 * and each breaks the cache only once.
 */
export const DEFAULT_COMPACT_AT = 0.45;
