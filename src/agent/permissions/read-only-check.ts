import type { SimpleCommand, Word } from "./split-command.js";

/**
 * Why a command is not read-only, for the read-only runs (see policies.ts); undefined when it is.
 *
 * Rules match text; this looks at what the shell and the program will do with it. It refuses:
 * - environment assignments (`VAR=x cmd`, `env VAR=x cmd`, a bare `VAR=x`): GIT_*, PAGER, LESSOPEN,
 *   LD_PRELOAD, BASH_ENV, PATH, RIPGREP_CONFIG_PATH… make an allowed program run another one, and no
 *   read-only command needs one, so all are refused rather than a list that would always miss one;
 * - wrappers that hide arguments or set variables (`env`, `xargs`), and `sudo`/`nohup`;
 * - redirections that open a file for writing;
 * - for programs with options that write or run something: those options (short ones also inside a
 *   group such as `-uo`, long ones also abbreviated as getopt allows), and arguments only the shell
 *   knows (`$x`, `$(…)`, a leading `*` or `{a,b}`), which can become such an option.
 */
export function whyNotReadOnly(command: SimpleCommand): string | undefined {
  const assignment = command.assignments[0];
  if (assignment !== undefined) {
    return (
      `\`${assignment}\` sets an environment variable, and variables can make a command run another ` +
      "program (GIT_*, PAGER, LD_PRELOAD, PATH, …); run the command without it"
    );
  }
  for (const wrapper of command.wrappers) {
    const why = WRAPPERS[wrapper];
    if (why) return `\`${wrapper}\` ${why}; run the command directly`;
  }
  const write = command.redirects.find((op) => op.includes(">"));
  if (write !== undefined) return `\`${write}\` writes into a file; read the output instead`;
  const [program, ...args] = command.argv;
  const check = program && CHECKS[program.text];
  if (!check) return undefined;
  const hidden = hiddenArgument(program.text, args);
  if (hidden) {
    return hidden.expands
      ? `\`${hidden.text}\` in the arguments of \`${program.text}\` is only known when the shell runs it, ` +
          "and could become an option that writes a file or runs a program; write the value out"
      : `\`${hidden.text}\` can turn into other words, such as an option of \`${program.text}\` that ` +
          "writes a file or runs a program; quote it, start it with `./` or list the files";
  }
  return check(args.map((w) => w.text));
}

/**
 * An argument the shell may still turn into an option (`$(…)`, `$x`, `*`, `-ex[e]c`, `""{-o,x}`), into
 * another git sub-command (`git d*`), or into several files for `uniq`. All arguments are looked at,
 * also after `--`, which may be the value of an option (`sort --random-source -- $(…)`).
 */
function hiddenArgument(program: string, args: Word[]): Word | undefined {
  const sub = program === "git" ? args.find((w) => !w.text.startsWith("-")) : undefined;
  return args.find(
    (w) =>
      w.expands ||
      (w.pattern && (w.patternFirst || w.text.startsWith("-") || w === sub || program === "uniq")),
  );
}

const WRAPPERS: Record<string, string> = {
  env: "can set variables and split a string into new arguments",
  xargs: "adds arguments read from its input, which the policy cannot see",
  sudo: "is not for read-only runs",
  nohup: "can write nohup.out",
};

const writes = (what: string): string => `\`${what}\` writes a file`;
const runs = (what: string): string => `\`${what}\` runs another program`;

/** The checks of programs with options that write or run something (the others have none). */
const CHECKS: Record<string, (args: string[]) => string | undefined> = {
  sort(args) {
    const o = options(args, "koStT");
    if (o.has("o", "output")) return `${writes("sort -o")}; let it print`;
    if (o.has("", "compress-program")) return runs("sort --compress-program");
    if (o.has("T", "temporary-directory")) return "`sort -T` writes temporary files into that folder";
    return undefined;
  },
  uniq(args) {
    const o = options(args, "fsw", ["skip-fields", "skip-chars", "check-chars"]);
    if (o.operands.length > 1) return "`uniq` writes its second file operand (`uniq IN OUT`); give one input";
    return undefined;
  },
  tree(args) {
    const o = options(args, "");
    if (o.has("o", "output")) return writes("tree -o");
    if (o.has("R", "")) return "`tree -R` writes 00Tree.html into folders";
    return undefined;
  },
  file(args) {
    const o = options(args, "eFfmP");
    if (o.has("C", "compile")) return "`file -C` writes a compiled .mgc file";
    return undefined;
  },
  find(args) {
    const primary = args.find((a) => FIND_PRIMARIES.has(a));
    if (primary === undefined) return undefined;
    if (primary === "-delete") return "`find -delete` deletes files";
    return primary.startsWith("-f") ? writes(`find ${primary}`) : runs(`find ${primary}`);
  },
  rg(args) {
    const o = options(args, "");
    if (o.has("", "pre")) return `${runs("rg --pre")} on every file`;
    if (o.has("", "hostname-bin")) return runs("rg --hostname-bin");
    return undefined;
  },
  git: checkGit,
};

const FIND_PRIMARIES = new Set([
  "-exec",
  "-execdir",
  "-ok",
  "-okdir",
  "-delete",
  "-fprint",
  "-fprint0",
  "-fprintf",
  "-fls",
]);

/** Options before the sub-command that change nothing git reads or runs. */
const GIT_HARMLESS = new Set([
  "--no-pager",
  "-P",
  "--no-optional-locks",
  "--literal-pathspecs",
  "--glob-pathspecs",
  "--noglob-pathspecs",
  "--icase-pathspecs",
  "--no-replace-objects",
]);

function checkGit(args: string[]): string | undefined {
  let i = 0;
  for (; args[i]?.startsWith("-"); i++) {
    const option = args[i] as string;
    if (!GIT_HARMLESS.has(option)) {
      // -c, -C, --git-dir, --work-tree, --bare, --exec-path=…, --config-env: other configuration or
      // programs, e.g. a bare repository committed in the pull request with core.fsmonitor set.
      return `\`git ${option}\` can make git read other configuration or programs; use \`git <command>\` as is`;
    }
  }
  const sub = args[i] ?? "";
  if (sub === "difftool" || sub === "mergetool") return runs(`git ${sub}`);
  const o = options(args.slice(i + 1), sub === "grep" ? "ABCefm" : "");
  if (o.has("", "output")) return `${writes(`git ${sub} --output`)}; let it print`;
  if (o.has("", "ext-diff")) return `\`git ${sub} --ext-diff\` runs an external diff program`;
  if (sub === "grep" && o.has("O", "open-files-in-pager"))
    return `\`git grep -O\` opens the files in a program`;
  return undefined;
}

interface Options {
  /** Whether the short option `short` (if not "") or the long option `long` (if not "") is given. */
  has(short: string, long: string): boolean;
  operands: string[];
}

/**
 * Reads a GNU-style command line: options may follow operands, short ones group (`-uo f`), and a long
 * one may be abbreviated (`--out=f`), so any beginning of `long` counts as `long`. `valued` lists the
 * short options that take a value (the rest of the group, or the next word), and `longValued` the long
 * ones (after `=`, or the next word); listing fewer only refuses more. Words after `--` count both as
 * operands and as options: `--` may be the value of an option not listed (`sort --random-source -- -o f`).
 */
function options(args: string[], valued: string, longValued: string[] = []): Options {
  const shorts = new Set<string>();
  const longs: string[] = [];
  const operands: string[] = [];
  let ended = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--" && !ended) {
      ended = true;
      continue;
    }
    if (ended || !arg.startsWith("-") || arg === "-") operands.push(arg);
    if (arg.startsWith("--")) {
      const name = arg.slice(2).split("=")[0] as string;
      longs.push(name);
      if (!ended && !arg.includes("=") && longValued.some((l) => l.startsWith(name))) i++;
    } else if (arg.startsWith("-") && arg !== "-") {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] as string;
        shorts.add(letter);
        if (valued.includes(letter)) {
          if (j === arg.length - 1 && !ended) i++;
          break;
        }
      }
    }
  }
  return {
    has: (short, long) =>
      (short !== "" && shorts.has(short)) || (long !== "" && longs.some((n) => long.startsWith(n))),
    operands,
  };
}
