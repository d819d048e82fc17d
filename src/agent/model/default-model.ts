/**
 * The model a run uses when the configuration names none.
 *
 * Claude Sonnet 4.6: priced in `prices.ts` ($3 / $15 per million tokens), not deprecated in the
 * SDK (Sonnet 4.5 reaches end of life on 2026-11-30), and it does not think unless asked. The
 * newer Sonnet 5.5 thinks by default and returns the text between tool calls as thinking blocks,
 * which our ContentBlock model drops; move to it once thinking blocks are carried through the loop.
 */
export const DEFAULT_MODEL = "claude-sonnet-4-6";
