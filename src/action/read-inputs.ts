import { z } from "zod";
import { MODEL_PROVIDERS, PROVIDER_NAMES } from "../agent/model/model-provider.js";
import { MIN_PLAN_SECRET_LENGTH } from "../runs/plan-mac.js";
import { splitList } from "../guard/load-config.js";
import { GuardScope } from "./guard-target.js";

// Every input of action.yml, checked once before anything starts, each mistake named in one sentence.
// Empty inputs mean "not set" (the runner passes every input, blank when the workflow gives none).

const blankToUndefined = (value: unknown): unknown =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/** A text input: trimmed; blank is unset. */
const text = z.preprocess(blankToUndefined, z.string().trim().optional());

/** A positive number input, converted here once. */
function positive(name: string) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine((value) => Number(value) > 0, {
        error: (issue) => `The input "${name}" must be a positive number, not "${String(issue.input)}".`,
      })
      .transform(Number)
      .optional(),
  );
}

/** A list input: comma or newline separated, blanks dropped. */
const list = z.string().default("").transform(splitList);

export const ActionInputs = z.object({
  mode: z.preprocess(
    blankToUndefined,
    z
      .enum(["agent", "guard"], {
        error: (issue) => `The input "mode" must be agent or guard, not "${String(issue.input)}".`,
      })
      .default("agent"),
  ),
  github_token: text,
  anthropic_api_key: text,
  provider: z.preprocess(
    blankToUndefined,
    z
      .enum(MODEL_PROVIDERS, {
        error: (issue) => `The input "provider" must be ${PROVIDER_NAMES}, not "${String(issue.input)}".`,
      })
      .default("anthropic"),
  ),
  plan_secret: z.preprocess(
    blankToUndefined,
    z
      .string()
      .min(MIN_PLAN_SECRET_LENGTH, {
        error: `The input "plan_secret" is shorter than ${MIN_PLAN_SECRET_LENGTH} characters: pass a long random secret, such as the output of \`openssl rand -hex 32\` stored as a repository secret.`,
      })
      .optional(),
  ),
  trigger_phrase: text,
  prompt: text,
  model: text,
  max_turns: positive("max_turns"),
  max_cost_usd: positive("max_cost_usd"),
  timeout_minutes: positive("timeout_minutes"),
  forbidden_terms: list,
  forbidden_term_hashes: z.string().default(""),
  config_path: text,
  bot_login: z.preprocess(blankToUndefined, z.string().trim().default("github-actions[bot]")),
  upload_transcript: z.preprocess(
    blankToUndefined,
    z
      .enum(["true", "false"], {
        error: (issue) =>
          `The input "upload_transcript" must be true or false, not "${String(issue.input)}".`,
      })
      .default("false")
      .transform((v) => v === "true"),
  ),
  scan: z.preprocess(
    blankToUndefined,
    z
      .enum(GuardScope.options, {
        error: (issue) => `The input "scan" must be auto, tree or pack, not "${String(issue.input)}".`,
      })
      .default("auto"),
  ),
});
export type ActionInputs = z.infer<typeof ActionInputs>;

/**
 * The inputs, read through `getInput` (core.getInput in the Action, a record in tests), or the first
 * problem as one sentence for the job's failure. `GITHUB_TOKEN` in the environment stands in for an
 * empty `github_token`.
 */
export function readActionInputs(
  getInput: (name: string) => string,
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; inputs: ActionInputs } | { ok: false; error: string } {
  const raw = Object.fromEntries(Object.keys(ActionInputs.shape).map((name) => [name, getInput(name)]));
  const parsed = ActionInputs.safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]!.message };
  const inputs = parsed.data;
  const token = inputs.github_token ?? (env["GITHUB_TOKEN"]?.trim() || undefined);
  if (inputs.mode === "agent" && !token) {
    return {
      ok: false,
      error: 'The input "github_token" is empty: pass ${{ secrets.GITHUB_TOKEN }} or an App token.',
    };
  }
  return { ok: true, inputs: { ...inputs, github_token: token } };
}
