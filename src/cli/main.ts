#!/usr/bin/env node
import { runCli } from "./cli.js";
import { startScanThreadEarly } from "./scan-thread-count.js";
import { tuneForScan } from "./scan-tiering.js";

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // process.stdin makes its stream (loading tty or net) when first touched: only `scan --text -` reads it.
  stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
  env: process.env,
  cwd: process.cwd(),
  tuneForScan: () => tuneForScan(),
  startScanThread: (paths, opts) => startScanThreadEarly(paths, opts, process.cwd()),
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
