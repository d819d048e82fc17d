import { spawnSync } from "node:child_process";
import { chmodSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policyFor } from "../../src/agent/permissions/policies.js";
import { decide } from "../../src/agent/permissions/rules.js";
import type { Rule } from "../../src/config/permission-rule.js";
import { tempRepo, writeFiles } from "../helpers/temp-repo.js";

/**
 * Read-only runs (answer, plan, review: a review starts for anyone who opens a pull request from a fork)
 * allow a list of commands that only read. Every attack below got one of them to write a file or run a
 * program of the pull request's choosing, and was allowed by the read-only policy before this test. Where
 * it can, a test also runs the attack for real in a scratch repository, to show that the command is not
 * read-only: its `./evil` script (or the command itself) writes a marker file.
 */

const review = policyFor("review");
const decision = (command: string, rules: Rule[] = review) => decide(rules, "bash", command);

/** A program of the attacker's: proves it ran by writing `pwned` (without needing PATH), then passes data on. */
const EVIL = "#!/bin/sh\n: > pwned\nexec cat\n";

interface Proof {
  /** Committed to the scratch repository (executable when named in `executable`). */
  files: Record<string, string>;
  executable?: string[];
  /** Written after the commit, so that `git diff` has something to show. */
  changes?: Record<string, string>;
  /** What the attack did: this file exists afterwards (or, with `gone`, no longer exists). */
  marker: string;
  gone?: boolean;
  /** The tool the proof needs on the machine. */
  needs?: string;
}

interface Attack {
  command: string;
  /** What the denial must tell the model. */
  reason: RegExp;
  proof?: Proof;
  /** The rules of the run; the review policy unless said. */
  rules?: Rule[];
}

/** A scratch repository with an input file, the attacker's `evil` and an uncommitted change. */
const inRepo = (over: Partial<Proof> = {}): Proof => ({
  executable: ["evil"],
  changes: { "a.txt": "a changed\n" },
  marker: "pwned",
  ...over,
  files: { "a.txt": "a\n", in: "b\na\nb\n", evil: EVIL, ...over.files },
});

const ENVIRONMENT: Attack[] = [
  {
    command:
      "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.fsmonitor GIT_CONFIG_VALUE_0='./evil; false' git status",
    reason: /`GIT_CONFIG_COUNT=1` sets an environment variable/,
    proof: inRepo(),
  },
  { command: "GIT_EXTERNAL_DIFF=./evil git diff", reason: /`GIT_EXTERNAL_DIFF=/, proof: inRepo() },
  { command: "env GIT_EXTERNAL_DIFF=./evil git diff", reason: /`GIT_EXTERNAL_DIFF=/, proof: inRepo() },
  // A pager only starts on a terminal, LD_PRELOAD needs a compiled library and GIT_SSH_COMMAND a fetch:
  // the policy's decision is what is tested for these.
  { command: "GIT_PAGER=./evil git log", reason: /`GIT_PAGER=/ },
  { command: "PAGER=./evil git log", reason: /`PAGER=/ },
  { command: "LESSOPEN='|./evil %s' git log", reason: /`LESSOPEN=/ },
  { command: "LD_PRELOAD=./evil.so git status", reason: /`LD_PRELOAD=/ },
  { command: "BASH_ENV=./evil git status", reason: /`BASH_ENV=/ },
  { command: "GIT_SSH_COMMAND=./evil git status", reason: /`GIT_SSH_COMMAND=/ },
  { command: "env -i GIT_DIR=x git log", reason: /`GIT_DIR=x`/ },
  {
    command: "PATH=. ls",
    reason: /`PATH=\.`/,
    proof: { files: { ls: EVIL }, executable: ["ls"], marker: "pwned" },
  },
  {
    // A command that is only an assignment changes PATH for the commands after it.
    command: "PATH=.; ls",
    reason: /`PATH=\.`/,
    proof: { files: { ls: EVIL }, executable: ["ls"], marker: "pwned" },
  },
];

const WRAPPERS: Attack[] = [
  // xargs appends arguments read from its input, which the policy never sees.
  { command: "echo -o pwned | xargs sort -u", reason: /`xargs`/, proof: inRepo() },
];

const FLAGS_AND_OPERANDS: Attack[] = [
  { command: "uniq in pwned", reason: /`uniq` writes its second file/, proof: inRepo() },
  { command: "uniq -c in pwned", reason: /`uniq` writes its second file/, proof: inRepo() },
  { command: "uniq -f 1 in pwned", reason: /`uniq` writes its second file/, proof: inRepo() },
  { command: "tree -o pwned", reason: /`tree -o`/, proof: inRepo({ needs: "tree" }) },
  // tree 2.x writes 00Tree.html into each folder below the one it lists, to the depth -L gives.
  {
    command: "tree -R -L 1 -H .",
    reason: /`tree -R`/,
    proof: inRepo({ needs: "tree", files: { "docs/a.md": "a\n" }, marker: "docs/00Tree.html" }),
  },
  { command: "sort -uo pwned in", reason: /`sort -o`/, proof: inRepo() },
  {
    command: "sort -S 16K --compress-program=./evil big",
    reason: /`sort --compress-program`/,
    proof: inRepo({ files: { evil: EVIL, big: bigInput() } }),
  },
  { command: "sort -T . in", reason: /`sort -T`/ },
  // Words after a redirection's target are arguments again; some parsers (tree-sitter-bash) file
  // them under the redirection, which would hide `-o` from this check.
  { command: "sort <in -o pwned", reason: /`sort -o`/, proof: inRepo() },
  { command: "sort --random-source -- -uo pwned in", reason: /`sort -o`/, proof: inRepo() },
  {
    command: "uniq -- in -pwned",
    reason: /`uniq` writes its second file/,
    proof: inRepo({ marker: "-pwned" }),
  },
  {
    command: "file -C -m magic",
    reason: /`file -C`/,
    proof: { files: { magic: "0 string x X\n" }, marker: "magic.mgc" },
  },
  { command: "git diff --ext-diff", reason: /`git diff --ext-diff` runs/ },
  { command: "git grep -O./evil a", reason: /`git grep -O`/, proof: inRepo() },
  { command: "git grep -iO./evil a", reason: /`git grep -O`/, proof: inRepo() },
  { command: "git grep --open-files-in-pager=./evil a", reason: /`git grep -O`/, proof: inRepo() },
  // git accepts a long option's unambiguous beginning.
  { command: "git grep --open-files=./evil a", reason: /`git grep -O`/, proof: inRepo() },
  // `git diff*` also matched `git difftool`.
  { command: "git difftool -y -x ./evil", reason: /`git difftool` runs/, proof: inRepo() },
  { command: "rg --hostname-bin=./evil --hyperlink-format=default a", reason: /`rg --hostname-bin`/ },
];

const HIDDEN_ARGUMENTS: Attack[] = [
  // The shell turns these into `--output=…`/`-o` after the policy has looked at them.
  {
    command: "sort $(cat opts) in",
    reason: /`\$\(cat opts\)`.*only known when the shell runs/,
    proof: inRepo({ files: { in: "a\n", opts: "--output=pwned\n" } }),
  },
  { command: "sort $'\\x2do' pwned in", reason: /only known when the shell runs/, proof: inRepo() },
  { command: 'sort ""{-uo,pwned} in', reason: /can turn into other words/, proof: inRepo() },
  {
    command: "sort *.txt",
    reason: /`\*\.txt` can turn into other words/,
    proof: inRepo({ files: { "a.txt": "a\n", "--output=pwned.txt": "b\n" }, marker: "pwned.txt" }),
  },
  {
    command: "uniq x{a,b}",
    reason: /can turn into other words/,
    proof: inRepo({ files: { xa: "a\n" }, marker: "xb" }),
  },
  {
    // A pattern that only matches a file named `-exec`, committed by the pull request.
    command: "find . -ex[e]c ./evil \\;",
    reason: /`-ex\[e\]c` can turn into other words/,
    proof: inRepo({ files: { "-exec": "" } }),
  },
  {
    command: "sort --out[p]ut=pwned in",
    reason: /can turn into other words/,
    proof: inRepo({ files: { "--output=pwned": "" } }),
  },
  // `--` is not always the end of the options: here it is the value of `--random-source`.
  {
    command: "sort --random-source -- $(cat opts) in",
    reason: /only known when the shell runs/,
    proof: inRepo({ files: { opts: "--output=pwned\n" } }),
  },
  {
    // With only `-delete` in the folder, `*` makes `find -delete -name x`, which deletes everything.
    command: "find * -name x",
    reason: /`\*` can turn into other words/,
    proof: { files: { "-delete": "", ".victim": "" }, marker: ".victim", gone: true },
  },
];

// A repository's own rules (`agent.rules`) come after the defaults; they must not re-open what the
// read-only checks close, e.g. `git *` to let the reviewer browse history.
const gitStar: Rule[] = policyFor("review", [{ tool: "bash", pattern: "git *", decision: "allow" }]);
const REPO_RULES: Attack[] = [
  {
    command: "git -c core.fsmonitor='./evil; false' status",
    reason: /`git -c`/,
    rules: gitStar,
    proof: inRepo(),
  },
  {
    command: "git di[f]ftool -y -x ./evil",
    reason: /`di\[f\]ftool` can turn into other words/,
    rules: gitStar,
    proof: inRepo({ files: { difftool: "" } }),
  },
  { command: "git --git-dir=vendor/evil.git log", reason: /`git --git-dir=/, rules: gitStar },
  { command: "git -C vendor/evil.git log", reason: /`git -C`/, rules: gitStar },
  { command: "git --bare log", reason: /`git --bare`/, rules: gitStar },
  { command: "git diff --outp=x", reason: /`git diff --output`/, rules: gitStar },
];

describe("the read-only policy denies commands that write files or run programs", () => {
  const groups = {
    "environment variables and env": ENVIRONMENT,
    wrappers: WRAPPERS,
    "flags and operands of read-only tools": FLAGS_AND_OPERANDS,
    "arguments only the shell knows": HIDDEN_ARGUMENTS,
    "repository rules": REPO_RULES,
  };
  for (const [name, attacks] of Object.entries(groups)) {
    describe(name, () => {
      for (const attack of attacks) {
        it(`denies ${attack.command}`, () => {
          const verdict = decision(attack.command, attack.rules);
          expect(verdict.allowed).toBe(false);
          expect(verdict.reason).toMatch(attack.reason);
          expect(verdict.reason).toMatch(/read-only/);
        });
        const proof = attack.proof;
        if (proof) {
          it.skipIf(proof.needs !== undefined && !installed(proof.needs))(
            `${attack.command} really is not read-only`,
            () => {
              const dir = scratch(proof);
              expect(existsSync(join(dir, proof.marker))).toBe(proof.gone === true);
              runShell(dir, attack.command);
              expect(existsSync(join(dir, proof.marker))).toBe(proof.gone !== true);
            },
          );
        }
      }
    });
  }
});

describe("attacks the policy already denied stay denied", () => {
  for (const command of [
    "sort -o pwned in",
    "sort --output=pwned in",
    "sort --out=pwned in",
    "find . -exec ./evil {} +",
    "find . -execdir ./evil {} +",
    "find . -ok ./evil {} +",
    "find . -okdir ./evil {} +",
    "find . -delete",
    "find . -fprint pwned",
    "find . -fprint0 pwned",
    "find . -fprintf pwned %p",
    "find . -fls pwned",
    "git diff --output=pwned",
    "git log --output=pwned",
    "rg --pre ./evil a",
    "rg --pre=./evil a",
    "echo x > pwned",
    "echo x >> pwned",
    "echo x >| pwned",
    "echo x &> pwned",
    "echo x 1>pwned",
    "cat <> pwned",
    "> pwned cat in",
    "cat <<< 'a b' > pwned",
    "cat > 'a b' in",
    "cat in | tee pwned",
  ]) {
    it(`denies ${command}`, () => {
      expect(decision(command).allowed).toBe(false);
    });
  }
});

describe("ordinary read-only commands stay allowed", () => {
  for (const command of [
    "git status",
    "git diff HEAD~1",
    "git log --oneline -5 | head -3",
    "git show HEAD:src/a.ts",
    "git grep -n foo",
    "git grep -e O src",
    "git diff --no-ext-diff --stat",
    "sort file",
    "sort -rn -k2 -t, file | uniq -c",
    "uniq file",
    "uniq -c -f 1 file",
    "find . -name '*.ts'",
    "find src -type f -newer package.json",
    "tree -L 2",
    "rg foo",
    "rg -n 'a|b' src --glob '*.ts'",
    'rg "foo$" src/*.ts',
    "git log -p HEAD@{1}.. -- src/a.ts",
    "rg --pre-glob '*.gz' foo",
    "ls src/*.ts",
    "cat README.md 2>/dev/null",
    "cut --output-delimiter=, -f1 file",
    "diff --to-file=a b",
    "file -m magic x",
    "du -sh .",
    "stat file",
    "jq -n 'input_filename'",
    "jq --rawfile x file -n '$x'",
    "grep foo <<< 'some text'",
    "timeout 10 git log -1",
  ]) {
    it(`allows ${command}`, () => {
      expect(decision(command)).toMatchObject({ allowed: true });
    });
  }
});

describe("write runs are unchanged", () => {
  const implement = policyFor("implement");
  it("still allows assignments, wrappers, redirections and writing flags (the sandbox is the boundary)", () => {
    for (const command of [
      "GIT_EXTERNAL_DIFF=./evil git diff",
      "CI=1 npm test",
      "echo -o x | xargs sort -u",
      "sort -o out in",
      "uniq in out",
      "cat a > b",
      "find . -name '*.orig' -delete",
    ]) {
      expect(decide(implement, "bash", command).allowed, command).toBe(true);
    }
  });
});

function scratch(proof: Proof): string {
  const dir = tempRepo(proof.files);
  for (const name of proof.executable ?? []) chmodSync(join(dir, name), 0o755);
  writeFiles(dir, proof.changes ?? {});
  return dir;
}

function runShell(cwd: string, command: string): void {
  // The bash tool's environment, roughly: PATH, a private HOME, no system git config.
  spawnSync("bash", ["-c", command], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, LANG: "C", GIT_CONFIG_NOSYSTEM: "1" },
    input: "",
    timeout: 20_000,
  });
}

function installed(program: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;
}

function bigInput(): string {
  return Array.from({ length: 20_000 }, (_, i) => `${(i * 7919) % 20_000}\n`).join("");
}
