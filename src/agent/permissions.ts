import { z } from "zod";
import { whyNotReadOnly } from "./read-only-check.js";
import { splitCommand, type SimpleCommand } from "./split-command.js";

/**
 * The permission policy: which tool calls a run may make. Nobody is there to ask in CI, so anything no
 * rule allows is denied.
 *
 * Matching: a rule's `pattern` is a wildcard matched against the whole subject a tool reports
 * (`Tool.subject`): the command for bash, `view <path>` / `edit <path>` for the editor, `grep <regex>`
 * and `glob <glob>` for the search tools. `*` matches any run of characters — including `/` and spaces,
 * so `edit src/*` covers all of `src/` and `git push*` covers `git push --force origin x` — and `?` one
 * character; nothing else is special. Whitespace in commands is collapsed first.
 *
 * Bash commands are split into their parts (split-command.ts: `a && b`, `a || b`, `a; b`, `a | b`,
 * `a & b`, new lines, `$(...)`, backticks, `<(...)`, `bash -c '...'`, `eval ...`); every part must be
 * allowed. Leading `VAR=value` assignments and wrappers such as `env`, `nohup`, `time`, `timeout 5` and
 * `xargs` are stripped before matching, quotes are removed, redirections are matched after the command
 * (`>x git push` is `git push > x`), and `2>&1` / `>/dev/null` / `< file` are ignored.
 *
 * Read-only runs (every kind but implement; a review starts for any pull request, forks' included)
 * allow the commands of `READ_ONLY_COMMANDS`. Since what they do depends on more than their text, a
 * check after all other rules (read-only-check.ts; the repository's rules cannot override it) denies
 * every part that would write a file or start another program: environment assignments (`GIT_*`,
 * `PAGER`, `LD_PRELOAD`, `PATH`…), `env` and `xargs`, redirections into files, the options and
 * operands of those commands that write or run something (`sort -o`, `uniq IN OUT`, `find -exec`,
 * `rg --pre`, `git diff --output`, `git grep -O`, `git difftool`, `git -c`, …), and arguments the shell
 * could still turn into such an option (`$(…)`, `$x`, a leading `*`). So a command it allows only reads
 * (any file the sandbox lets it), except that `git status` may refresh the stat cache in `.git/index`.
 *
 * Limits: this is a policy for a cooperative model, not a shell parser, and not the only boundary. In
 * write runs a determined command (`g=git; $g push`, a script written to a file and run) gets past a
 * deny list. What actually protects: commands get no credentials (scrubbed environment), run in
 * bubblewrap without network when available (with the work tree read-only in read-only runs), and every
 * push is done by patchwright after the leak guard. The rules keep an honest model on the rails and make
 * refusals explainable.
 */
export const Rule = z.object({
  tool: z.string().min(1),
  pattern: z.string(),
  decision: z.enum(["allow", "deny"]),
  /** Said to the model when this rule denies a call. */
  why: z.string().optional(),
});
export type Rule = z.infer<typeof Rule>;

/**
 * A rule of the built-in policy. With `check`, it matches a bash part only when `check` gives a reason
 * (told to the model); repository rules are plain `Rule`s and cannot carry one. Were `check` lost on
 * the way, the rule would deny every command, not allow them.
 */
export interface PolicyRule extends Rule {
  check?: (command: SimpleCommand) => string | undefined;
}

export interface Decision {
  allowed: boolean;
  rule?: PolicyRule;
  reason: string;
}

export type RunKind = "implement" | "answer" | "plan" | "review" | "maintenance" | "prompt";

/** The tool whose subjects are shell commands, split into parts before matching. */
export const SHELL_TOOL = "bash";
const EDITOR = "str_replace_based_edit_tool";

/** The last matching rule wins; no matching rule means deny. */
export function decide(rules: readonly PolicyRule[], toolName: string, subject: string): Decision {
  if (toolName !== SHELL_TOOL) return decideOne(rules, toolName, subject);
  const commands = splitCommand(subject);
  // A part that leaves nothing to match (`PATH=.`, a bare `env`) still changes what comes after it.
  for (const command of commands.filter((c) => c.text === "")) {
    const verdict = decideOne(rules, toolName, "", command);
    if (!verdict.allowed && verdict.rule?.check) return verdict;
  }
  const parts = commands.filter((c) => c.text !== "");
  if (parts.length === 0) return decideOne(rules, toolName, subject.trim());
  let last: Decision | undefined;
  for (const part of parts) {
    last = decideOne(rules, toolName, part.text, part);
    if (!last.allowed)
      return parts.length > 1 ? { ...last, reason: `\`${part.text}\` ${last.reason}` } : last;
  }
  return parts.length > 1
    ? { allowed: true, reason: `all ${parts.length} parts allowed` }
    : (last as Decision);
}

function decideOne(
  rules: readonly PolicyRule[],
  toolName: string,
  subject: string,
  command?: SimpleCommand,
): Decision {
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i] as PolicyRule;
    if ((rule.tool === "*" || rule.tool === toolName) && matchesPattern(rule.pattern, subject)) {
      if (rule.check) {
        const why = command && rule.check(command);
        if (!why) continue;
        return { allowed: false, rule, reason: `denied in a read-only run: ${why}` };
      }
      const label = `rule {tool: ${rule.tool}, pattern: ${rule.pattern}}`;
      if (rule.decision === "allow") return { allowed: true, rule, reason: `allowed by ${label}` };
      return { allowed: false, rule, reason: `denied by ${label}${rule.why ? `: ${rule.why}` : ""}` };
    }
  }
  return {
    allowed: false,
    reason: `denied: no rule allows ${toolName} \`${subject}\` in this run (deny by default)`,
  };
}

const patternCache = new Map<string, RegExp>();

/** `*` = any characters (also `/` and spaces), `?` = one character, the rest literal; whole subject. */
export function matchesPattern(pattern: string, subject: string): boolean {
  let regex = patternCache.get(pattern);
  if (!regex) {
    const body = [...pattern]
      .map((c) => (c === "*" ? "[\\s\\S]*" : c === "?" ? "[\\s\\S]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("");
    regex = new RegExp(`^${body}$`);
    patternCache.set(pattern, regex);
  }
  return regex.test(subject.trim());
}

export interface PolicyOptions {
  /** Let the agent edit `.github/workflows` (the repo config's explicit opt-in). */
  allowWorkflowChanges?: boolean;
}

/** Commands that only read, as long as the read-only check lets them (read-only-check.ts). */
const READ_ONLY_COMMANDS = [
  "ls",
  "ls *",
  "pwd",
  "cat *",
  "head *",
  "tail *",
  "wc *",
  "nl *",
  "file *",
  "stat *",
  "du *",
  "tree",
  "tree *",
  "sort *",
  "uniq *",
  "cut *",
  "diff *",
  "cmp *",
  "echo *",
  "which *",
  "jq *",
  "rg *",
  "grep *",
  "find *",
  // Whole sub-command names: `git diff*` also matched `git difftool`, which runs any program.
  ...["log", "diff", "show", "status", "blame", "grep", "ls-files", "rev-parse"].flatMap((sub) => [
    `git ${sub}`,
    `git ${sub} *`,
  ]),
];

const allow = (tool: string, pattern: string): Rule => ({ tool, pattern, decision: "allow" });
const deny = (tool: string, pattern: string, why: string): Rule => ({ tool, pattern, decision: "deny", why });

/** Read-only runs: refuses any part that writes or runs something, after every other allow rule. */
const READ_ONLY_CHECK: PolicyRule = {
  ...deny(SHELL_TOOL, "*", "a read-only run may not change files or run other programs"),
  check: whyNotReadOnly,
};

/** Appended last in every kind, so no default or extra rule can override them. */
function alwaysDenied(options: PolicyOptions): Rule[] {
  const push = "pushing is done by patchwright after the leak guard";
  const network = "commands do not reach the network; ask in your answer for what you need";
  const rules = [
    deny(SHELL_TOOL, "git push*", push),
    deny(SHELL_TOOL, "git -? * push*", push),
    deny(SHELL_TOOL, "*--force*", "force operations are never allowed"),
    deny(SHELL_TOOL, "git remote*", "remotes are managed by patchwright"),
    deny(SHELL_TOOL, "git config*credential*", "credentials are never handled by the agent"),
    deny(SHELL_TOOL, "git credential*", "credentials are never handled by the agent"),
    deny(SHELL_TOOL, "curl *", network),
    deny(SHELL_TOOL, "wget *", network),
    deny(SHELL_TOOL, "nc *", network),
    deny(SHELL_TOOL, "ssh *", network),
    deny(SHELL_TOOL, "scp *", network),
  ];
  if (!options.allowWorkflowChanges) {
    const why = "the repository config does not allow changes to .github/workflows";
    rules.push(deny(EDITOR, "edit .github/workflows*", why));
    for (const verb of ["cp", "mv", "rm", "tee", "sed -i", "ln", "touch", "mkdir"]) {
      rules.push(deny(SHELL_TOOL, `${verb} *.github/workflows*`, why));
    }
    rules.push(deny(SHELL_TOOL, "*>*.github/workflows*", why));
  }
  return rules;
}

/**
 * The default rules of a run kind, then `extra` (the repo config's), then in read-only kinds the
 * read-only check, then the always-denied ones.
 */
export function policyFor(
  runKind: RunKind,
  extra: readonly Rule[] = [],
  options: PolicyOptions = {},
): PolicyRule[] {
  const base: Rule[] = [
    allow(EDITOR, "view *"),
    allow("grep", "*"),
    allow("glob", "*"),
    ...READ_ONLY_COMMANDS.map((pattern) => allow(SHELL_TOOL, pattern)),
  ];
  if (runKind === "implement") {
    base.push(allow(EDITOR, "edit *"), allow(SHELL_TOOL, "*"));
    return [...base, ...extra, ...alwaysDenied(options)];
  }
  return [...base, ...extra, READ_ONLY_CHECK, ...alwaysDenied(options)];
}

/** The simple commands of `command`, each as rules see it (see the module comment). */
export function commandParts(command: string): string[] {
  return splitCommand(command)
    .map((c) => c.text)
    .filter((text) => text !== "");
}
