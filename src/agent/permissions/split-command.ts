/**
 * Splits a bash command into its simple commands, for the permission rules (see rules.ts).
 *
 * Not a shell parser: it knows quotes, escapes, comments, the operators that separate commands, `$(…)`,
 * backquotes, `<(…)`/`>(…)`, `bash -c '…'` and `eval`, and redirections. What it cannot resolve (what
 * `$x`, `$(…)`, `*` or `{a,b}` will become) it marks on the word, so that a check can refuse to guess.
 */

/** One word of a command, quotes removed. */
export interface Word {
  text: string;
  /** Holds `$…` or a backquote outside single quotes: its value is only known when the shell runs. */
  expands: boolean;
  /** Holds an unquoted `*`, `?`, `[` or `{`: the shell may make several words of it. */
  pattern: boolean;
  /** Starts with one of those, so one of the words it becomes may start with `-` (an option). */
  patternFirst: boolean;
  /** A redirection operator or its target, not an argument. */
  redirect?: "op" | "target";
}

export interface SimpleCommand {
  /** What rules are matched against: program and arguments, then redirections, space separated. */
  text: string;
  /** `VAR=value` words before the program, also those given to a wrapper such as `env`. */
  assignments: string[];
  /** Wrappers before the program (`env`, `xargs`, `timeout`, …), which `text` leaves out. */
  wrappers: string[];
  /** The program and its arguments, without redirections. */
  argv: Word[];
  /** Operators of redirections that open a file (`>`, `>>`, `>|`, `&>`, `<>`, `<<`, …); reading with
   * `<`, joining streams (`2>&1`) and `/dev/null` are left out. */
  redirects: string[];
}

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
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const MAX_DEPTH = 5;

/** The simple commands of `command`, those inside substitutions and `bash -c`/`eval` included. */
export function splitCommand(command: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  splitInto(command, 0, out);
  return out;
}

function splitInto(command: string, depth: number, out: SimpleCommand[]): void {
  for (const words of splitShell(command, depth, out)) out.push(simpleCommand(words, depth, out));
}

function simpleCommand(words: Word[], depth: number, out: SimpleCommand[]): SimpleCommand {
  const args = words.filter((w) => !w.redirect);
  const assignments: string[] = [];
  const wrappers: string[] = [];
  const text = (i: number): string => args[i]?.text ?? "";
  let i = 0;
  while (i < args.length) {
    const word = text(i);
    if (ASSIGNMENT.test(word)) assignments.push(args[i++]?.text ?? "");
    else if (WRAPPERS.has(word)) {
      wrappers.push(word);
      i++;
      while (text(i).startsWith("-") || ASSIGNMENT.test(text(i))) {
        if (ASSIGNMENT.test(text(i))) assignments.push(text(i));
        i++;
      }
      if (word === "timeout" && /^\d/.test(text(i))) i++;
    } else break;
  }
  const argv = args.slice(i);
  const program = argv[0];
  if (program && SYSTEM_DIRS.test(program.text)) {
    argv[0] = { ...program, text: program.text.replace(/^.*\//, "") };
  }
  const name = argv[0]?.text ?? "";
  if (depth < MAX_DEPTH) {
    const rest = argv.slice(1).map((w) => w.text);
    if (name === "eval") splitInto(rest.join(" "), depth + 1, out);
    const script = rest.indexOf("-c");
    if (SHELLS.has(name) && script >= 0 && rest[script + 1] !== undefined) {
      splitInto(rest[script + 1] ?? "", depth + 1, out);
    }
  }
  // Redirections written before the program are matched after it: `>x git push` reads `git push > x`.
  const start = program ? words.indexOf(program) : words.length;
  const shown = [
    ...argv.slice(0, 1),
    ...words.slice(start + 1),
    ...words.slice(0, start).filter((w) => w.redirect),
  ];
  return {
    text: shown.map((w) => w.text).join(" "),
    assignments,
    wrappers,
    argv,
    redirects: words.filter((w) => w.redirect === "op").map((w) => w.text),
  };
}

const plain = (): Omit<Word, "text"> => ({ expands: false, pattern: false, patternFirst: false });
/** What can follow `$` to make an expansion (`$x`, `${…}`, `$1`, `$@`, …; unquoted also `$'…'`, `$"…"`). */
const EXPANSION = /[A-Za-z0-9_{(@*#?$!-]/;
const UNQUOTED_EXPANSION = /[A-Za-z0-9_{(@*#?$!'"-]/;

/** Splits on unquoted operators; substitutions are split recursively into `out`. */
function splitShell(text: string, depth: number, out: SimpleCommand[]): Word[][] {
  const commands: Word[][] = [];
  let words: Word[] = [];
  let word = "";
  let inWord = false;
  let flags = plain();
  const endWord = (): void => {
    if (inWord) words.push({ text: word, ...flags });
    word = "";
    inWord = false;
    flags = plain();
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  const substitution = (from: number, open: string, close: string): number => {
    const end = matching(text, from, open, close);
    if (depth < MAX_DEPTH) splitInto(text.slice(from, end), depth + 1, out);
    return end;
  };
  const pattern = (): void => {
    flags.pattern = true;
    if (word === "") flags.patternFirst = true;
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
          flags.expands = true;
          const end = substitution(i + 2, "(", ")");
          word += text.slice(i, end + 1);
          i = end;
        } else if (text[i] === "`") {
          flags.expands = true;
          const end = substitution(i + 1, "`", "`");
          word += text.slice(i, end + 1);
          i = end;
        } else {
          if (text[i] === "$" && EXPANSION.test(text[i + 1] ?? "")) flags.expands = true;
          word += text[i];
        }
      }
    } else if ((c === "$" || c === "<" || c === ">") && next === "(") {
      // `<(…)` and `>(…)` become a /dev/fd path; `$(…)` becomes whatever the command prints.
      if (c === "$") flags.expands = true;
      const end = substitution(i + 2, "(", ")");
      word += text.slice(i, end + 1);
      inWord = true;
      i = end;
    } else if (c === "`") {
      flags.expands = true;
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
        if (c === "{") pattern(); // brace expansion: `""{-o,x}` is `-o x`
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
        flags = plain();
      }
      endWord();
      i = redirect(text, i, words, fd);
    } else {
      if (c === "*" || c === "?" || c === "[") pattern();
      else if (c === "$" && UNQUOTED_EXPANSION.test(next ?? "")) flags.expands = true;
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/** Reads a redirection at `i` (`>`, `>>`, `>|`, `<`, `<<<`, `>&2`, `> file`); keeps it unless harmless. */
function redirect(text: string, i: number, words: Word[], fd = ""): number {
  let op = text[i] as string;
  for (;;) {
    const next = text[i + 1];
    const more =
      next === ">" ||
      next === "&" ||
      (next === "<" && (op === "<" || op === "<<")) ||
      (next === "|" && op === ">");
    if (!more) break;
    op += text[++i];
  }
  while (text[i + 1] === " " || text[i + 1] === "\t") i++;
  // The target is one word, quotes included: `<<< 'a b' > f` must not hide `> f` in a quote.
  let target = "";
  while (i + 1 < text.length && !/[\s;|&<>()]/.test(text[i + 1] as string)) {
    const c = text[++i] as string;
    if (c === "\\") target += text[++i] ?? "";
    else if (c === "'" || c === '"') {
      for (i++; i < text.length && text[i] !== c; i++) {
        if (c === '"' && text[i] === "\\") i++;
        target += text[i] ?? "";
      }
    } else target += c;
  }
  if (op.endsWith("&") && /^\d*-?$/.test(target)) return i; // 2>&1, >&2: only joins streams
  if (target === "/dev/null" && op.startsWith(">")) return i;
  if (op === "<") return i; // reading a file: the command decides what it does with it
  words.push(
    { text: `${fd}${op}`, ...plain(), redirect: "op" },
    { text: target, ...plain(), redirect: "target" },
  );
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
