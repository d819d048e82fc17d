import { z } from "zod";
import { BUILT_IN_COMMANDS } from "./built-in-commands.js";
import { DEFAULT_COMPACT_AT } from "./compact-at.js";
import { parseCron } from "./cron.js";
import { Rule } from "./permission-rule.js";
import { isTimeZone, zoneForCity } from "./time-zone.js";
import { GuardConfig } from "../guard/config.js";

/**
 * The repository configuration, `.github/patchwright.yml`. This schema is the single source of truth: the
 * TypeScript type, the defaults, the published JSON Schema, the validation messages and the field list of
 * docs/configuration.md all come from it (tests fail when the committed JSON Schema or the docs drift).
 *
 * Conventions: every field has a default, so `RepoConfig.parse({})` is the full default config; every field
 * has a one-sentence description; unknown keys are errors at every level; custom messages start with "must"
 * because the formatter prints them as "`field` must ..., not <value>.", or with "not" ("`field` is
 * <value>, which is not ..."); a check across fields that words the rest of the sentence itself marks its
 * issue `params: { sentence: true }`.
 */

/** Who may trigger runs, as GitHub's repository roles from least to most access. */
export const PERMISSION_LEVELS = ["read", "triage", "write", "maintain", "admin"] as const;

const glob = z.string().min(1);

const Trigger = z
  .object({
    phrase: z
      .string()
      .max(40)
      .regex(
        /^@[A-Za-z0-9](?:-?[A-Za-z0-9])*$/,
        'must be an @-mention of a GitHub login or app, like "@patchwright"',
      )
      .default("@patchwright")
      .describe("The mention that starts a run in an issue, pull request or review comment."),
    label: z
      .string()
      .min(1)
      .max(50)
      .default("patchwright")
      .describe("Adding this label to an issue or pull request starts a run, like a mention does."),
  })
  .strict();

const Permissions = z
  .object({
    minimum: z
      .enum(PERMISSION_LEVELS)
      .default("write")
      .describe("The lowest repository role that may trigger runs; everyone below it is ignored."),
    replyToUnauthorized: z
      .boolean()
      .default(false)
      .describe(
        "Post a polite reply to people without the permission to trigger runs, instead of ignoring them.",
      ),
    allowedBots: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\[bot\]$/, 'must be a bot login like "dependabot[bot]"'),
      )
      .default([])
      .describe("Bot accounts whose mentions may trigger runs; every other bot is ignored."),
  })
  .strict();

const PathInstruction = z
  .object({
    path: glob.describe("A glob of the files these instructions apply to, e.g. `src/db/**`."),
    instructions: z.string().min(1).describe("What to look for in those files."),
  })
  .strict();

const Review = z
  .object({
    auto: z
      .boolean()
      .default(false)
      .describe("Review every pull request when it is opened, updated or marked ready for review."),
    drafts: z.boolean().default(false).describe("Also review draft pull requests automatically."),
    paths: z
      .object({
        include: z
          .array(glob)
          .default(["**"])
          .describe(
            "Globs of the changed files to review; lockfiles, generated, vendored and minified " +
              "files are always left out by the review pipeline itself.",
          ),
        exclude: z
          .array(glob)
          .default([])
          .describe("Globs of changed files never to review, on top of the files left out by default."),
      })
      .strict()
      .prefault({})
      .describe("Which changed files the review reads."),
    profile: z
      .enum(["chill", "assertive"])
      .default("chill")
      .describe("How much to comment: `chill` flags real problems only, `assertive` also raises nitpicks."),
    maxComments: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(10)
      .describe("The most inline comments one review posts; the most important findings come first."),
    requestChanges: z
      .boolean()
      .default(false)
      .describe("Submit reviews with blocking findings as `REQUEST_CHANGES` instead of `COMMENT`."),
    instructions: z.string().default("").describe("Extra instructions for every review of this repository."),
    pathInstructions: z
      .array(PathInstruction)
      .default([])
      .describe("Extra review instructions for the files that match a glob."),
  })
  .strict();

const Limits = z
  .object({
    maxTurns: z
      .number()
      .int()
      .min(1)
      .max(500)
      .default(60)
      .describe("The most model turns one run may take before it stops and says so."),
    maxCostUsd: z
      .number()
      .gt(0)
      .max(1000)
      .default(5)
      .describe("The most one run may spend on the model, in US dollars, before it stops and says so."),
    timeoutMinutes: z
      .number()
      .int()
      .min(1)
      .max(360)
      .default(30)
      .describe(
        "The longest one run may take, in minutes (360 is the longest a GitHub Actions job may run).",
      ),
  })
  .strict();

const builtinPattern = new RegExp(`^(?!(?:${BUILT_IN_COMMANDS.join("|")})$)`);

const CommandName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,31}$/,
    "must be 1 to 32 lower-case letters, digits or dashes, starting with a letter",
  )
  .regex(builtinPattern, `must not be one of the built-in commands (${BUILT_IN_COMMANDS.join(", ")})`);

const Command = z
  .object({
    description: z.string().describe("One line shown by `@patchwright help`."),
    prompt: z
      .string()
      .min(1)
      .describe("The instructions the agent follows; the rest of the comment is added."),
    kind: z
      .enum(["implement", "answer", "plan", "review"])
      .default("answer")
      .describe("What the run may do: `implement` edits and pushes, the others only read and comment."),
  })
  .strict();

/**
 * GuardConfig comes from the leak guard, which also reads it on its own; here it only gains descriptions
 * (extend keeps its checks, strictness and any field added there later) and fresh default arrays.
 */
const guardAllow = GuardConfig.shape.allow.unwrap();
const guardPolicy = GuardConfig.shape.policy.unwrap();
const Guard = GuardConfig.extend({
  forbiddenTerms: GuardConfig.shape.forbiddenTerms.describe(
    "Internal names that must never leave; a public file leaks them, so list them as hashes or in the " +
      "PATCHWRIGHT_FORBIDDEN_TERMS secret instead.",
  ),
  forbiddenTermHashes: GuardConfig.shape.forbiddenTermHashes.describe(
    "Salted SHA-256 hashes of internal names (from `patchwright hash-term`), safe to commit.",
  ),
  aiAttribution: GuardConfig.shape.aiAttribution.describe(
    'Block AI attribution such as "Co-Authored-By" trailers naming an AI and "Generated with" footers.',
  ),
  check: GuardConfig.shape.check.describe(
    "The App runs the leak guard on every pull request's new commits as the check run " +
      "`patchwright leak guard`, which fails on a finding or when it cannot scan.",
  ),
  policy: guardPolicy
    .extend({
      envFiles: guardPolicy.shape.envFiles.describe(
        "A committed dotenv file (`.env`, `.env.production`; templates such as `.env.example` are exempt): " +
          "`block` reports it and stops the agent's push, `warn` reports it without blocking, `off` says " +
          "nothing. The secret rules read the file's values either way.",
      ),
    })
    .prefault({})
    .describe("What the leak guard does about files that are a policy matter rather than a leak."),
  allow: guardAllow
    .extend({
      paths: guardAllow.shape.paths.describe("Globs of files the guard never scans."),
      rules: guardAllow.shape.rules.describe("Ids of guard rules to switch off (see docs/leak-guard.md)."),
      values: guardAllow.shape.values.describe(
        "Regular expressions; a flagged value that matches one of them is accepted.",
      ),
    })
    .prefault({})
    .describe("Exceptions to the leak guard."),
});

const Workflows = z
  .object({
    allowChanges: z
      .boolean()
      .default(false)
      .describe("Let the agent change files under `.github/workflows/`; otherwise it refuses to."),
  })
  .strict();

const PullRequests = z
  .object({
    draft: z
      .boolean()
      .default(true)
      .describe("Open the agent's pull requests as drafts, so nobody merges them before a review."),
    forks: z
      .enum(["explain", "patch"])
      .default("explain")
      .describe(
        "What a change requested on a pull request from a fork gets, since patchwright never pushes to forks: " +
          "`explain` says so, `patch` runs the agent and replies with the change as a patch to apply.",
      ),
  })
  .strict();

const Agent = z
  .object({
    rules: z
      .array(
        Rule.extend({
          tool: z
            .string()
            .min(1)
            .describe("A tool name (`bash`, `str_replace_based_edit_tool`, `grep`, `glob`) or `*`."),
          pattern: z
            .string()
            .describe(
              "A wildcard matched against the call: the command for bash, `view <path>` or `edit <path>` for the editor.",
            ),
          decision: z.enum(["allow", "deny"]).describe("allow or deny."),
          why: z.string().optional().describe("Told to the model when the rule denies a call."),
        }).strict(),
      )
      .default(() => [])
      .describe(
        "Permission rules added after the built-in ones for the run kind; the last matching rule wins. " +
          "git push, force flags and network tools stay denied whatever these say.",
      ),
    env: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"))
      .default(() => [])
      .describe(
        "Environment variables passed to the agent's commands besides PATH, LANG, HOME and CI; names that look like secrets are never passed.",
      ),
    network: z
      .boolean()
      .default(false)
      .describe("Let the agent's commands reach the network (inside bubblewrap they cannot otherwise)."),
    commandTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(300)
      .describe("Most seconds one command may run before its whole process group is killed."),
    testCommand: z
      .string()
      .default("")
      .describe(
        "The command that verifies a run; empty: detected from package.json, Makefile, pyproject.toml, go.mod or Cargo.toml.",
      ),
    compactAt: z
      .number()
      .min(0.2)
      .max(0.9)
      .default(DEFAULT_COMPACT_AT)
      .describe(
        "Compact the conversation when it passes this share of the model's context window, down to two " +
          "thirds of it. The default, 0.45, keeps every request under half the window while the prompt cache " +
          "still serves at least 95% of a long session's input; each compaction breaks the cache once.",
      ),
    subAgentConcurrency: z
      .number()
      .int()
      .min(1)
      .max(8)
      .default(3)
      .describe("With `features.subAgents`: the most sub-agents that run at the same time at each level."),
    coordinator: z
      .enum(["auto", "off"])
      .default("auto")
      .describe(
        "With `features.subAgents`, in change runs: `auto` plans first and, when the plan has two or more " +
          "independent parts, hands them to work sub-agents running in parallel, merges them and verifies once; " +
          "`off` never does.",
      ),
  })
  .strict();

export const Features = z
  .object({
    buddy: z
      .boolean()
      .default(false)
      .describe("`@patchwright buddy`: a small companion that grows with the repo."),
    frustrationSignals: z
      .boolean()
      .default(true)
      .describe("Notice frustration in a thread, locally, and change course: acknowledge, plan first, ask."),
    modelRouter: z
      .boolean()
      .default(false)
      .describe(
        "Route free-text mentions to implement, answer, plan or review with a model instead of rules.",
      ),
    memory: z
      .boolean()
      .default(false)
      .describe("Keep long-term memory notes about the repository on the `patchwright/memory` branch."),
    subAgents: z
      .boolean()
      .default(false)
      .describe("Let a run hand parts of its work to sub-agents that run alongside it."),
  })
  .strict();

/** Names no task may take: the failing-CI fixer and dreaming go by them (on the dashboard, in dispatches). */
export const RESERVED_TASK_NAMES = ["ci-fix", "dream"] as const;

const CronSchedule = z
  .string()
  .regex(
    /^\s*\S+(?:\s+\S+){4}\s*$/,
    'must be five fields separated by spaces (minute, hour, day of month, month, day of week), like "17 6 * * 1"',
  )
  .superRefine((text, ctx) => {
    const parsed = parseCron(text);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: `not a valid cron schedule: ${parsed.reason}` });
  });

const TimeZone = z
  .string()
  .superRefine((name, ctx) => {
    if (isTimeZone(name)) return;
    const city = zoneForCity(name);
    ctx.addIssue({
      code: "custom",
      message: city
        ? `must be an IANA time zone name (did you mean "${city}"?)`
        : 'must be an IANA time zone name like "Europe/Paris" or "UTC"',
    });
  })
  .default("UTC");

const MaintenanceTask = z
  .object({
    name: z
      .string()
      .max(50)
      .regex(
        /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
        'must be a slug: lower-case letters and digits, words joined by single dashes, like "tidy-readme"',
      )
      .superRefine((name, ctx) => {
        if (!(RESERVED_TASK_NAMES as readonly string[]).includes(name)) return;
        const owner =
          name === "dream" ? "dreaming (`maintenance.dream`)" : "the failing-CI fixer (`maintenance.ciFix`)";
        ctx.addIssue({
          code: "custom",
          params: { sentence: true },
          message: `is "${name}", a name kept for ${owner}: choose another`,
        });
      })
      .describe("The task's name, unique in this file; its branch is `<branchPrefix>maintenance/<name>`."),
    schedule: CronSchedule.describe(
      "When the task runs: a five-field cron schedule (minute, hour, day of month, month, day of week) in `timezone`.",
    ),
    timezone: TimeZone.describe("The IANA time zone the schedule is read in, e.g. `Europe/Paris`."),
    prompt: z.string().min(1).describe("What the agent is asked to do each time the task runs."),
    paths: z
      .array(glob)
      .min(1)
      .optional()
      .describe("Globs of the only files the task may change; not set: any file."),
    labels: z.array(z.string().min(1).max(50)).default([]).describe("Labels put on the task's pull request."),
    draft: z
      .boolean()
      .optional()
      .describe("Open the task's pull request as a draft; not set: `pullRequests.draft` decides."),
  })
  .strict();
export type MaintenanceTask = z.infer<typeof MaintenanceTask>;

export const MaintenanceLimits = z
  .object({
    prHourly: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(2)
      .describe("The most maintenance pull requests opened in one clock hour."),
    prConcurrent: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe("The most maintenance pull requests open at the same time."),
  })
  .strict();
export type MaintenanceLimits = z.infer<typeof MaintenanceLimits>;

const Dream = z
  .object({
    schedule: CronSchedule.describe("When dreaming runs: a five-field cron schedule in `timezone`."),
    timezone: TimeZone.describe("The IANA time zone the schedule is read in, e.g. `Europe/Paris`."),
    dryRun: z
      .boolean()
      .default(false)
      .describe("Show the consolidation's diff in the run's report instead of committing it."),
  })
  .strict();

const Maintenance = z
  .object({
    tasks: z
      .array(MaintenanceTask)
      .max(100)
      .superRefine((tasks, ctx) => {
        const first = new Map<string, number>();
        tasks.forEach((task, i) => {
          const earlier = first.get(task.name);
          if (earlier === undefined) first.set(task.name, i);
          else
            ctx.addIssue({
              code: "custom",
              path: [i, "name"],
              params: { sentence: true },
              message:
                `is "${task.name}", the name of \`maintenance.tasks[${earlier}]\` too: each task needs ` +
                "its own, since its branch is named after it",
            });
        });
      })
      .default([])
      .describe("Chores run on a schedule, each with one branch and at most one open pull request."),
    limits: MaintenanceLimits.prefault({}).describe(
      "How many maintenance pull requests may be opened per hour and be open at once (Renovate's defaults).",
    ),
    dashboard: z
      .boolean()
      .default(false)
      .describe(
        "Keep one issue listing each task's schedule, last run and pull request, with a box to tick to run one now.",
      ),
    ciFix: z
      .boolean()
      .default(false)
      .describe(
        "When a workflow run (or another CI's check suite) on the default branch fails, open one pull request that makes it pass; closed once the branch passes again.",
      ),
    dream: Dream.optional().describe(
      "Consolidate the memory notes on a schedule, in one commit on the memory branch; needs `features.memory`. Not set: never.",
    ),
  })
  .strict();

export const RepoConfig = z
  .object({
    trigger: Trigger.prefault({}).describe("How people start a run."),
    permissions: Permissions.prefault({}).describe("Who may start runs."),
    review: Review.prefault({}).describe("Automatic pull request reviews."),
    limits: Limits.prefault({}).describe("Limits every run stops at, cleanly and saying why."),
    branchPrefix: z
      .string()
      .max(100)
      .regex(/^[^/-]/, "must not start with / or -")
      .regex(/\/$/, "must end with /")
      .regex(
        // git refuses control characters in ref names, so the prefix must not hold any.
        // eslint-disable-next-line no-control-regex
        /^[^\s~^:?*[\\\x00-\x1f\x7f]*$/,
        "must not contain spaces, control characters or any of ~^:?*[\\",
      )
      .regex(
        /^(?!.*(?:\.\.|\/\/|@\{|\/\.|\.lock\/))/,
        "must not contain .., //, @{, a part starting with . or a part ending in .lock",
      )
      .regex(/^[^.]/, "must not start with .")
      .default("patchwright/")
      .describe("The start of the name of every branch the agent creates."),
    model: z
      .string()
      .min(1)
      .optional()
      .describe("The model id every run uses instead of the default, e.g. one your gateway serves."),
    commands: z
      .record(CommandName, Command)
      .default({})
      .describe("Custom commands: `@patchwright /<name> ...` runs the command's prompt."),
    guard: Guard.prefault({}).describe(
      "The leak guard that checks every push, pull request, review and comment before it leaves.",
    ),
    pullRequests: PullRequests.prefault({}).describe("The pull requests and changes the agent makes."),
    workflows: Workflows.prefault({}).describe("Changes to GitHub Actions workflows."),
    agent: Agent.prefault({}).describe(
      "What the agent's tools may do: permission rules, environment, network, time.",
    ),
    features: Features.prefault({}).describe("Experimental capabilities, each off or on by a named flag."),
    maintenance: Maintenance.prefault({}).describe(
      "Scheduled maintenance: chores that open one pull request each, the failing-CI fixer, dreaming and the dashboard issue.",
    ),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.maintenance.dream && !config.features.memory) {
      ctx.addIssue({
        code: "custom",
        path: ["maintenance", "dream"],
        params: { sentence: true },
        message:
          "needs `features.memory: true`: dreaming tidies the memory notes, which are kept only with memory on",
      });
    }
  });
export type RepoConfig = z.infer<typeof RepoConfig>;
