import type { Rule } from "../../config/permission-rule.js";
import type { RunKind } from "../../request/run-request.js";
import { whyNotReadOnly } from "./read-only-check.js";
import { SHELL_TOOL, type PolicyRule } from "./rules.js";

/**
 * The built-in policy of each run kind: which tool calls a run may make (matched by rules.ts).
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
 */

const EDITOR = "str_replace_based_edit_tool";

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
