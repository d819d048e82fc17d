import { z } from "zod";

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
 * Bash commands are split into their parts (`a && b`, `a || b`, `a; b`, `a | b`, `a & b`, new lines,
 * `$(...)`, backticks, `<(...)`, `bash -c '...'`, `eval ...`); every part must be allowed. Leading
 * `VAR=value` assignments and wrappers such as `env`, `nohup`, `time`, `timeout 5` and `xargs` are
 * stripped before matching, quotes are removed, and `2>&1` / `>/dev/null` are ignored.
 *
 * Limits: this is a policy for a cooperative model, not a shell parser, and not the security
 * boundary. A determined command (`g=git; $g push`, a script written to a file and run) gets past
 * a deny list. What actually protects: commands get no credentials (scrubbed environment), run in
 * bubblewrap without network when available, and every push is done by patchwright after the leak
 * guard. The rules keep an honest model on the rails and make refusals explainable.
 */
export const Rule = z.object({
  tool: z.string().min(1),
  pattern: z.string(),
  decision: z.enum(["allow", "deny"]),
  /** Said to the model when this rule denies a call. */
  why: z.string().optional(),
});
export type Rule = z.infer<typeof Rule>;

export interface Decision {
  allowed: boolean;
  rule?: Rule;
  reason: string;
}

export type RunKind = "implement" | "answer" | "plan" | "review" | "maintenance" | "prompt";

/** The tool whose subjects are shell commands, split into parts before matching. */
export const SHELL_TOOL = "bash";
const EDITOR = "str_replace_based_edit_tool";

/** The last matching rule wins; no matching rule means deny. */
export function decide(rules: readonly Rule[], toolName: string, subject: string): Decision {
  if (toolName !== SHELL_TOOL) return decideOne(rules, toolName, subject);
  const parts = commandParts(subject);
  if (parts.length === 0) return decideOne(rules, toolName, subject.trim());
  let last: Decision | undefined;
  for (const part of parts) {
    last = decideOne(rules, toolName, part);
    if (!last.allowed) return parts.length > 1 ? { ...last, reason: `\`${part}\` ${last.reason}` } : last;
  }
  return parts.length > 1
    ? { allowed: true, reason: `all ${parts.length} parts allowed` }
    : (last as Decision);
}

function decideOne(rules: readonly Rule[], toolName: string, subject: string): Decision {
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i] as Rule;
    if ((rule.tool === "*" || rule.tool === toolName) && matchesPattern(rule.pattern, subject)) {
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
  "git log*",
  "git diff*",
  "git show*",
  "git status*",
  "git blame*",
  "git grep*",
  "git ls-files*",
  "git rev-parse*",
];

const allow = (tool: string, pattern: string): Rule => ({ tool, pattern, decision: "allow" });
const deny = (tool: string, pattern: string, why: string): Rule => ({ tool, pattern, decision: "deny", why });

/** Denials for read-only runs: read-only commands that can still write or run other programs. */
function readOnlyDenials(): Rule[] {
  const writes = "a read-only run may not change files";
  const runs = "a read-only run may not run other programs";
  return [
    deny(SHELL_TOOL, "find *-delete*", writes),
    deny(SHELL_TOOL, "find *-exec*", runs),
    deny(SHELL_TOOL, "find *-ok*", runs),
    deny(SHELL_TOOL, "find *-fprint*", writes),
    deny(SHELL_TOOL, "find *-fls*", writes),
    deny(SHELL_TOOL, "rg *--pre*", runs),
    deny(SHELL_TOOL, "*--output*", writes),
    deny(SHELL_TOOL, "sort *-o*", writes),
    deny(SHELL_TOOL, "*>*", `${writes} (no output redirection)`),
  ];
}

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

/** The default rules of a run kind, then `extra` (the repo config's), then the always-denied ones. */
export function policyFor(
  runKind: RunKind,
  extra: readonly Rule[] = [],
  options: PolicyOptions = {},
): Rule[] {
  const base: Rule[] = [
    allow(EDITOR, "view *"),
    allow("grep", "*"),
    allow("glob", "*"),
    ...READ_ONLY_COMMANDS.map((pattern) => allow(SHELL_TOOL, pattern)),
  ];
  if (runKind === "implement") {
    base.push(allow(EDITOR, "edit *"), allow(SHELL_TOOL, "*"));
  } else {
    base.push(...readOnlyDenials());
  }
  return [...base, ...extra, ...alwaysDenied(options)];
}

// ---- splitting commands -------------------------------------------------------------------------

const WRAPPERS = new Set([
  "env",
  "command",
  "exec",
  "nohup",
  "time",
  "nice",
  "builtin",
  "sudo",
  "xargs",
  "timeout",
]);
const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh"]);
const SYSTEM_DIRS = /^\/(usr\/)?(local\/)?s?bin\//;

/** The simple commands in `command`, each normalized for matching (see the module comment). */
export function commandParts(command: string, depth = 0): string[] {
  const out: string[] = [];
  for (const words of splitShell(command, depth, out)) {
    const part = normalize(words, depth, out);
    if (part !== "") out.push(part);
  }
  return out;
}

function normalize(words: string[], depth: number, out: string[]): string {
  let i = 0;
  for (;;) {
    const word = words[i];
    if (word === undefined) break;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) i++;
    else if (WRAPPERS.has(word)) {
      i++;
      while (words[i]?.startsWith("-") || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] ?? "")) i++;
      if (word === "timeout" && /^\d/.test(words[i] ?? "")) i++;
    } else break;
  }
  const rest = words.slice(i);
  if (rest[0] && SYSTEM_DIRS.test(rest[0])) rest[0] = rest[0].replace(/^.*\//, "");
  const first = rest[0] ?? "";
  if (depth < 5) {
    if (first === "eval") out.push(...commandParts(rest.slice(1).join(" "), depth + 1));
    const script = rest.indexOf("-c");
    if (SHELLS.has(first) && script > 0 && rest[script + 1] !== undefined) {
      out.push(...commandParts(rest[script + 1] ?? "", depth + 1));
    }
  }
  return rest.join(" ");
}

/** Splits on unquoted operators; substitutions are parsed recursively into `out`. */
function splitShell(text: string, depth: number, out: string[]): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  const substitution = (from: number, open: string, close: string): number => {
    const end = matching(text, from, open, close);
    if (depth < 5) out.push(...commandParts(text.slice(from, end), depth + 1));
    return end;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === "\\") {
      if (next !== "\n") {
        word += next ?? "";
        inWord = true;
      }
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word += text.slice(i + 1, end === -1 ? text.length : end);
      inWord = true;
      i = end === -1 ? text.length : end;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\" && i + 1 < text.length) word += text[++i];
        else if (text[i] === "$" && text[i + 1] === "(") {
          const end = substitution(i + 2, "(", ")");
          word += text.slice(i, end + 1);
          i = end;
        } else if (text[i] === "`") {
          const end = substitution(i + 1, "`", "`");
          word += text.slice(i, end + 1);
          i = end;
        } else word += text[i];
      }
    } else if ((c === "$" || c === "<" || c === ">") && next === "(") {
      const end = substitution(i + 2, "(", ")");
      word += text.slice(i, end + 1);
      inWord = true;
      i = end;
    } else if (c === "`") {
      const end = substitution(i + 1, "`", "`");
      word += text.slice(i, end + 1);
      inWord = true;
      i = end;
    } else if (c === "#" && !inWord) {
      while (i < text.length && text[i] !== "\n") i++;
      endCommand();
    } else if (c === " " || c === "\t") {
      endWord();
    } else if (
      c === "\n" ||
      c === ";" ||
      c === "|" ||
      c === "&" ||
      c === "(" ||
      c === ")" ||
      c === "{" ||
      c === "}"
    ) {
      if (c === "&" && next === ">") {
        // &> file
        endWord();
        i = redirect(text, i + 1, words);
      } else if ((c === "{" || c === "}") && inWord) {
        word += c;
      } else {
        endCommand();
        if ((c === "&" && next === "&") || (c === "|" && (next === "|" || next === "&"))) i++;
      }
    } else if (c === ">" || c === "<") {
      const fd = inWord && /^\d+$/.test(word) ? word : "";
      if (fd) {
        word = "";
        inWord = false;
      }
      endWord();
      i = redirect(text, i, words, fd);
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/** Reads a redirection at `i` (`>`, `>>`, `<`, `>&2`, `> file`); keeps it unless harmless. */
function redirect(text: string, i: number, words: string[], fd = ""): number {
  let op = text[i] as string;
  while (text[i + 1] === ">" || text[i + 1] === "&" || (op === "<" && text[i + 1] === "<")) op += text[++i];
  while (text[i + 1] === " " || text[i + 1] === "\t") i++;
  let target = "";
  while (i + 1 < text.length && !/[\s;|&<>()]/.test(text[i + 1] as string)) target += text[++i];
  if (op.endsWith("&") && /^\d*-?$/.test(target)) return i; // 2>&1, >&2: only joins streams
  if (target.replace(/^["']|["']$/g, "") === "/dev/null" && op.startsWith(">")) return i;
  if (op === "<") return i; // reading a file: the command decides what it does with it
  words.push(`${fd}${op}`, target);
  return i;
}

/** The index of the `close` that ends a substitution starting at `from` (or the end of the text). */
function matching(text: string, from: number, open: string, close: string): number {
  let level = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === "'" && open !== "`")
      i = Math.max(i, text.indexOf("'", i + 1) === -1 ? text.length : text.indexOf("'", i + 1));
    else if (c === close && --level === 0) return i;
    else if (c === open && open !== close) level++;
  }
  return text.length;
}
