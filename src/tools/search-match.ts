import { createContext, Script } from "node:vm";
import { RE2JS, RE2JSException } from "re2js";

/**
 * Matching for the search tools' JavaScript paths, where the patterns come from the model and the text
 * from the repository: both may be hostile. `new RegExp` and picomatch backtrack (`(a+)+$`, or the glob
 * `*a*a*a*b`, ran for minutes in the harness's own process), so patterns are compiled by RE2JS, whose
 * running time is linear in the text. Linear is not cheap, though: it is text × program size, and a
 * 16-character pattern such as `[ab]*a[ab]{900}c` takes seconds over one long line. So every match also
 * runs inside a time slice that V8 interrupts (see `createSlicer`), and the caller yields to the event
 * loop between slices.
 */

/** What the model reads when its pattern is refused. */
export const RE2_SYNTAX_HINT =
  "Patterns use RE2 syntax, like ripgrep's: no look-around ((?=…), (?!…), (?<=…), (?<!…)) and no " +
  "backreferences (\\1).";

/** A pattern or glob the model must change; the message is written for it. */
export class PatternError extends Error {
  override readonly name = "PatternError";
}

/** A slice of matching ran past its time limit: the pattern (or the text) is too expensive. */
export class TooExpensiveError extends Error {
  override readonly name = "TooExpensiveError";
}

export type LineTest = (line: string) => boolean;

export function compileRegex(pattern: string, ignoreCase: boolean): LineTest {
  try {
    const re = RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
    return (line) => re.test(line);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    throw new PatternError(`Invalid regular expression: ${error.message}. ${RE2_SYNTAX_HINT}`);
  }
}

/**
 * A glob as a path test: `*` and `?` stay within a folder, `**` as a whole segment spans folders, `[…]`
 * (`[!…]` negated), `{a,b}` and `\` escapes; a leading `!` negates. With `basename`, a glob without `/`
 * matches the file name at any depth (ripgrep's `--glob`). Translated to RE2, never to a backtracking
 * regex.
 */
export function compileGlob(glob: string, options: { basename: boolean }): LineTest {
  const negate = glob.startsWith("!");
  const body = negate ? glob.slice(1) : glob;
  const anyFolder = options.basename && !body.includes("/") ? "(?:.*/)?" : "";
  let re: RE2JS;
  try {
    re = RE2JS.compile(`(?s)^${anyFolder}${globToRe2(body)}$`);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    throw new PatternError(`Invalid glob "${glob}": ${error.message}`);
  }
  return negate ? (path) => !re.test(path) : (path) => re.test(path);
}

const META = new Set([..."\\.+*?()|[]{}^$"]);
// Only punctuation is escaped: `\d` or `\a` inside a class would be an RE2 escape, not the letter.
const CLASS_META = new Set([..."\\[]^-"]);

function literal(ch: string): string {
  return META.has(ch) ? `\\${ch}` : ch;
}

function globToRe2(glob: string): string {
  const chars = Array.from(glob);
  let out = "";
  let depth = 0;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? "";
    if (ch === "\\") {
      out += literal(chars[++i] ?? "\\");
    } else if (ch === "*") {
      let j = i;
      while (chars[j + 1] === "*") j++;
      const prev = chars[i - 1];
      const next = chars[j + 1];
      const segmentStart = i === 0 || prev === "/" || (depth > 0 && (prev === "{" || prev === ","));
      const segmentEnd = next === undefined || next === "/" || (depth > 0 && (next === "}" || next === ","));
      if (j > i && segmentStart && segmentEnd) {
        // `**/` is zero or more folders; a final `**` is anything below.
        if (next === "/") {
          out += "(?:.*/)?";
          j++;
        } else out += ".*";
      } else out += "[^/]*";
      i = j;
    } else if (ch === "?") {
      out += "[^/]";
    } else if (ch === "[") {
      const cls = readClass(chars, i);
      if (cls) {
        out += cls.re2;
        i = cls.end;
      } else out += "\\[";
    } else if (ch === "{") {
      depth++;
      out += "(?:";
    } else if (ch === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (ch === "," && depth > 0) {
      out += "|";
    } else out += literal(ch);
  }
  if (depth > 0) throw new PatternError(`Invalid glob "${glob}": a "{" is not closed.`);
  return out;
}

/** `[…]` starting at `start`, as an RE2 class, or undefined when it is not closed (a literal `[`). */
function readClass(chars: string[], start: number): { re2: string; end: number } | undefined {
  let i = start + 1;
  const negated = chars[i] === "!" || chars[i] === "^";
  if (negated) i++;
  let body = "";
  for (let first = true; i < chars.length; i++, first = false) {
    const ch = chars[i] ?? "";
    if (ch === "]" && !first) return { re2: negated ? `[^/${body}]` : `[${body}]`, end: i };
    if (ch === "-" && !first && chars[i + 1] !== "]") body += "-";
    else {
      const member = ch === "\\" && i + 1 < chars.length ? (chars[++i] ?? "") : ch;
      body += CLASS_META.has(member) ? `\\${member}` : member;
    }
  }
  return undefined;
}

export type Slicer = <T>(job: () => T) => T;

// One script, run in a context of its own only so that V8's watchdog can interrupt it: the job itself
// is an ordinary function of ours.
const RUN_JOB = new Script("job()", { filename: "patchwright-search-slice" });

/**
 * Runs jobs synchronously, each interrupted by V8 when it takes longer than `timeoutMs` (then a
 * TooExpensiveError is thrown). So the event loop is held at most that long at a time, whatever the
 * pattern. Each call starts a watchdog thread (~0.2 ms): give it batches, not single lines.
 */
export function createSlicer(timeoutMs: number): Slicer {
  const context = createContext({ job: undefined });
  return <T>(job: () => T): T => {
    let result: { value: T } | undefined;
    (context as { job?: () => void }).job = () => {
      result = { value: job() };
    };
    try {
      RUN_JOB.runInContext(context, { timeout: timeoutMs, breakOnSigint: false });
    } catch (error) {
      if ((error as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
        throw new TooExpensiveError(`a part of the search ran past ${timeoutMs} ms`);
      }
      throw error;
    } finally {
      (context as { job?: (() => void) | undefined }).job = undefined;
    }
    if (!result) throw new Error("The search slice did not run.");
    return result.value;
  };
}

/** Text per slice: RE2JS runs plain patterns at 20+ MB/s, so a slice is milliseconds, far from a limit. */
const SLICE_CHARS = 256 * 1024;
/** A longer line (minified code) is searched in its first this-many characters only. */
export const MAX_SEARCHED_LINE_CHARS = 1024 * 1024;

/**
 * The 0-based indexes of the lines that `test` accepts, at most `max`, matched in slices with the
 * event loop let through between them; stops early (with what it found) once `stop()` says so.
 */
export async function matchingLines(
  lines: readonly string[],
  test: LineTest,
  slice: Slicer,
  max: number,
  stop: () => boolean,
): Promise<number[]> {
  const hits: number[] = [];
  let next = 0;
  while (next < lines.length && hits.length < max) {
    if (stop()) break;
    next = slice(() => {
      let i = next;
      for (let chars = 0; i < lines.length && chars < SLICE_CHARS && hits.length < max; i++) {
        const line = lines[i] ?? "";
        chars += line.length + 1;
        if (test(line.length > MAX_SEARCHED_LINE_CHARS ? line.slice(0, MAX_SEARCHED_LINE_CHARS) : line)) {
          hits.push(i);
        }
      }
      return i;
    });
    if (next < lines.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return hits;
}
