#!/usr/bin/env node
import { getPriority, setPriority } from "node:os";
import { loadEnvFile } from "node:process";
import { readAppEnv } from "./read-app-env.js";
import { startApp } from "./start-app.js";

// `npm start` (receive and work, one process), or `node dist/app/main.js serve` / `worker` to split them
// (`patchwright serve` / `patchwright worker` run this too). Every setting is checked before anything
// starts (read-app-env.ts lists them); what is wrong is said in one sentence each on stderr, and the
// process exits 1 without a stack trace.

const ROLES = { serve: "serve", worker: "worker", undefined: "all" } as const;
const roleArg = process.argv[2];
const role = ROLES[`${roleArg}` as keyof typeof ROLES];

function fail(sentences: string[]): void {
  for (const sentence of sentences) process.stderr.write(`patchwright: ${sentence}\n`);
  process.exitCode = 1;
}

try {
  // As Probot did: `.env` in the folder the server starts in. Variables already set win.
  loadEnvFile(".env");
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
    fail([
      `.env could not be read (${(err as NodeJS.ErrnoException).code ?? "error"}): fix it or remove it.`,
    ]);
  }
}

if (!role) fail([`"${roleArg}" is not a role: start with no argument (everything), serve or worker.`]);
const read = process.exitCode ? undefined : readAppEnv(process.env);
if (read && !read.ok) fail(read.problems);
else if (read?.ok) {
  try {
    if (role === "worker") yieldToTheServer(read.env.workerNice);
    const app = await startApp(read.env, { env: process.env, role: role });
    for (const warning of read.warnings) app.log.warn({}, warning);
    const stop = (): void => {
      app.log.info(
        { drainSeconds: read.env.drainMs / 1000 },
        "stopping: no new deliveries or runs are taken; runs under way may finish until the drain time",
      );
      void app
        .close()
        .then(({ requeued }) =>
          app.log.info({ requeued }, "stopped; runs not finished went back to the queue"),
        )
        .catch((err: unknown) => app.log.error({ err }, "could not stop cleanly"))
        .finally(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail([
      code === "EADDRINUSE"
        ? `port ${read.env.port} is in use: stop what listens there, or set PORT to a free port.`
        : `could not start: ${err instanceof Error ? err.message : String(err)}`,
    ]);
  }
}

/**
 * A worker lowers its CPU priority (and its runs' processes, which inherit it): on a machine it shares
 * with a serve process, GitHub's deliveries are answered first and runs take the time left over. Only
 * ever lowered: raising a priority needs privileges, and an operator's own `nice` is kept if lower.
 */
function yieldToTheServer(nice: number): void {
  try {
    if (nice > getPriority()) setPriority(nice);
  } catch (err) {
    process.stderr.write(
      `patchwright: could not lower the worker's CPU priority (PATCHWRIGHT_WORKER_NICE): ${(err as Error).message}\n`,
    );
  }
}
