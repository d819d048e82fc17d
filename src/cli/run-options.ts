import { z } from "zod";
import { MODEL_PROVIDERS, PROVIDER_NAMES } from "../agent/model/model-provider.js";
import type { Identity } from "../workspace/worktree.js";

// `patchwright run`'s options as commander hands them over (strings), checked and converted once; each
// mistake is one sentence naming the option.

const listed = (items: readonly string[]): string => items.join(", ").replace(/, (\w+)$/, " or $1");

/** A positive number option; unset stays unset, so the repository's config decides. */
function positive(flag: string) {
  return z
    .string()
    .refine((value) => Number(value) > 0, {
      error: (issue) => `${flag} must be a positive number, not "${String(issue.input)}"`,
    })
    .transform(Number)
    .optional();
}

const RUN_MODES = ["implement", "answer", "plan"] as const;
const DEFAULT_AUTHOR = "patchwright <patchwright@users.noreply.github.com>";

export const RunOptions = z.object({
  repo: z.string().default("."),
  base: z.string().optional(),
  mode: z.enum(RUN_MODES, { error: `--mode must be ${listed(RUN_MODES)}` }).default("implement"),
  model: z.string().optional(),
  maxTurns: positive("--max-turns"),
  maxCost: positive("--max-cost"),
  timeout: positive("--timeout"),
  keep: z.boolean().default(false),
  replay: z.string().optional(),
  author: z
    .string()
    .default(DEFAULT_AUTHOR)
    .transform((text, ctx): Identity => {
      const m = /^\s*([^<>]+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
      if (m) return { name: m[1]!, email: m[2]! };
      ctx.issues.push({ code: "custom", message: `--author must look like "Name <email>"`, input: text });
      return z.NEVER;
    }),
  provider: z
    .enum(MODEL_PROVIDERS, {
      error: (issue) => `--provider must be ${PROVIDER_NAMES}, not "${String(issue.input)}"`,
    })
    .default("anthropic"),
});
export type RunOptions = z.infer<typeof RunOptions>;
/** What commander passes: every value a string (or a flag's boolean), unchecked. */
export type RawRunOptions = { [K in keyof RunOptions]?: K extends "keep" ? boolean : string };

/** The options, or the first mistake in one sentence. */
export function readRunOptions(
  raw: RawRunOptions,
): { ok: true; options: RunOptions } | { ok: false; message: string } {
  const parsed = RunOptions.safeParse(raw);
  return parsed.success
    ? { ok: true, options: parsed.data }
    : { ok: false, message: parsed.error.issues[0]!.message };
}
