import type { Rule } from "../../config/permission-rule.js";
import { splitCommand, type SimpleCommand } from "./split-command.js";

/**
 * Matching tool calls against permission rules. Nobody is there to ask in CI, so anything no rule
 * allows is denied.
 *
 * A rule's `pattern` is a wildcard matched against the whole subject a tool reports (`Tool.subject`):
 * the command for bash, `view <path>` / `edit <path>` for the editor, `grep <regex>` and `glob <glob>`
 * for the search tools. `*` matches any run of characters — including `/` and spaces, so `edit src/*`
 * covers all of `src/` and `git push*` covers `git push --force origin x` — and `?` one character;
 * nothing else is special. Whitespace in commands is collapsed first.
 *
 * Bash commands are split into their parts (split-command.ts: `a && b`, `a || b`, `a; b`, `a | b`,
 * `a & b`, new lines, `$(...)`, backticks, `<(...)`, `bash -c '...'`, `eval ...`); every part must be
 * allowed. Leading `VAR=value` assignments and wrappers such as `env`, `nohup`, `time`, `timeout 5` and
 * `xargs` are stripped before matching, quotes are removed, redirections are matched after the command
 * (`>x git push` is `git push > x`), and `2>&1` / `>/dev/null` / `< file` are ignored.
 *
 * Limits: this is a policy for a cooperative model, not a shell parser, and not the only boundary. In
 * write runs a determined command (`g=git; $g push`, a script written to a file and run) gets past a
 * deny list. What actually protects: commands get no credentials (scrubbed environment), run in
 * bubblewrap without network when available (with the work tree read-only in read-only runs), and every
 * push is done by patchwright after the leak guard. The rules keep an honest model on the rails and make
 * refusals explainable.
 */

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

/** The tool whose subjects are shell commands, split into parts before matching. */
export const SHELL_TOOL = "bash";

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

/** The simple commands of `command`, each as rules see it (see the module comment). */
export function commandParts(command: string): string[] {
  return splitCommand(command)
    .map((c) => c.text)
    .filter((text) => text !== "");
}
