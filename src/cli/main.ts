#!/usr/bin/env node
import { runCli } from "./cli.js";
import { tierForScan } from "./scan-tiering.js";

// Here, in the process's own entry, not in the scan command, which tests run inside their own process.
if (process.argv[2] === "scan") tierForScan();

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // process.stdin makes its stream (loading tty or net) when first touched: only `scan --text -` reads it.
  stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A bug, not a finding: say so plainly, and never exit 0 (which would read as "clean").
    process.stderr.write(
      `patchwright: internal error: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 2;
  },
);
