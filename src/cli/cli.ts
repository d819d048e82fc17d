import { Command, CommanderError, Option } from "commander";
import { EXIT_CANNOT_SCAN } from "./exit-codes.js";
import type * as RunCommand from "./run-command.js";
import type { RawRunOptions } from "./run-options.js";
import type { CliIo } from "./io.js";
import type { ScanOptions } from "./scan-options.js";
import { VERSION } from "./version.js";

/** Parses the command line and runs one command; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = new Command("patchwright")
    .description("An open-source coding agent for GitHub, and the leak guard that checks what it sends.")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText(
      "after",
      "\nExit codes: 0 done (clean, valid), 1 what was checked failed (findings, an invalid config, a run that" +
        " failed or was blocked), 2 could not run (bad usage, unreadable input, a missing setting).",
    );

  program
    .command("scan")
    .description("Scan files, commits, staged changes, an npm package or a text for secrets and other leaks.")
    .argument("[path...]", "files and folders to scan, honouring .gitignore (default: .)")
    .option("--git <range>", "scan every commit in a range, e.g. origin/main..HEAD")
    .option("--staged", "scan what `git commit` would record now")
    .option("--pack [dir]", "scan the files `npm pack` would publish from dir (default: .)")
    .option("--text <stdin>", "scan a text read from standard input (pass -)")
    .addOption(
      new Option("--format <format>", "output format")
        .choices(["text", "json", "sarif", "markdown"])
        .default("text"),
    )
    .option(
      "--config <file>",
      "guard settings (YAML or JSON; default: the guard section of .github/patchwright.yml)",
    )
    .option("--baseline <file>", "accept the findings listed in this earlier JSON report")
    .addOption(
      new Option(
        "--min-confidence <level>",
        "report only findings of this confidence or more (default: all)",
      ).choices(["low", "medium", "high"]),
    )
    .option(
      "--threads <n>",
      "scan a folder of many files on n threads (default: one per CPU, at most 4; 1: this thread only)",
    )
    .option("--no-color", "no colours in text output")
    .addHelpText(
      "after",
      "\nExit codes: 0 nothing found, 1 findings, 2 could not scan (bad usage, unreadable input, bad config).",
    )
    .action(async (paths: string[], opts: ScanOptions) => {
      // Started before the command's modules load, so it is ready when the walk's first files are.
      const early = io.startScanThread?.(paths, opts);
      // Each command loads its own modules when it runs: start-up pays only for the one asked for.
      const { runScan } = await import("./scan-command.js");
      code = await runScan(paths, opts, io, early);
    });

  program
    .command("run")
    .description(
      "Run the agent on a local repository, in a worktree on a new branch (your checkout is untouched)",
    )
    .argument("<instruction>", "what to do, in plain words")
    .option("--repo <dir>", "the repository", ".")
    .option("--base <ref>", "the commit to start from (default: HEAD)")
    .option("--mode <mode>", "implement, answer or plan", "implement")
    .option("--model <model>", "the model (default: the config's, else patchwright's default)")
    .option("--max-turns <n>", "most turns (default: limits.maxTurns)")
    .option("--max-cost <usd>", "most USD to spend (default: limits.maxCostUsd)")
    .option("--timeout <minutes>", "most minutes (default: limits.timeoutMinutes)")
    .option("--author <identity>", 'commit author, "Name <email>"')
    .option("--keep", "keep the worktree after the run")
    .option("--replay <file>", "play a recorded transcript back instead of calling the model")
    .option("--provider <provider>", "anthropic, bedrock or vertex", "anthropic")
    .addHelpText(
      "after",
      "\nExit codes: 0 finished (and the leak guard passed), 1 the run failed, hit a limit or was blocked," +
        " 2 could not start (bad usage, not a repository, a missing setting).",
    )
    .action(async (instruction: string, opts: RawRunOptions) => {
      // Loaded only here: the leak guard's commands run without the agent's packages.
      const agent = await loadAgentCommand(io);
      code = agent ? await agent.runRunCommand(instruction, opts, io) : EXIT_CANNOT_SCAN;
    });

  program
    .command("hash-term")
    .description("Print a salted SHA-256 of each term, to list forbidden terms in a public config")
    .argument("<term...>", "the terms (codenames, hostnames, product names)")
    .option("--salt <salt>", "letters and digits; reuse one salt for a list so scans hash each word once")
    .addHelpText(
      "after",
      "\nExit codes: 0 printed, 2 bad usage (such as a salt that is not letters and digits).",
    )
    .action(async (terms: string[], opts: { salt?: string }) => {
      const { runHashTerm } = await import("./hash-term-command.js");
      code = runHashTerm(terms, opts, io);
    });

  program
    .command("config")
    .description("Work with the repository configuration, .github/patchwright.yml")
    .command("check")
    .description("Check a repository configuration and say what is wrong, in one sentence")
    .argument("[file]", "the file to check (default: .github/patchwright.yml)")
    .addHelpText("after", "\nExit codes: 0 valid, 1 not valid, 2 could not read the file.")
    .action(async (file: string | undefined) => {
      const { runConfigCheck } = await import("./config-command.js");
      code = await runConfigCheck(file, io);
    });

  for (const [role, what] of [
    ["serve", "receive GitHub's webhooks and store them in the queue (REDIS_URL to share it with workers)"],
    ["worker", "handle stored deliveries and carry out runs, from the queue `serve` fills"],
  ] as const) {
    program
      .command(role)
      .description(`The GitHub App: ${what}; settings from the environment, as for npm start`)
      .addHelpText("after", "\nSee docs/deploy.md. Exit codes: 0 stopped, 1 could not start.")
      .action(async () => {
        const { runAppRole } = await import("./app-command.js");
        code = await runAppRole(role, io);
      });
  }

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every other parse error is bad usage.
      return err.exitCode === 0 ? 0 : EXIT_CANNOT_SCAN;
    }
    throw err;
  }
}

/**
 * The `run` command's module, or undefined after saying why it cannot load. Loaded only when asked for,
 * so `scan`, `hash-term` and `config` never load the agent's packages (model SDKs, tree-sitter) and keep
 * working where those are missing or broken.
 */
async function loadAgentCommand(io: CliIo): Promise<typeof RunCommand | undefined> {
  try {
    return await import("./run-command.js");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ERR_MODULE_NOT_FOUND") throw err;
    io.stderr.write(
      "patchwright: patchwright run needs the agent's packages, and some are not installed: " +
        "install patchwright again (npm install, or npm ci in a checkout).\n",
    );
    return undefined;
  }
}
