#!/usr/bin/env node
import { loadEnvFile } from "node:process";
import { readAppEnv } from "./read-app-env.js";
import { startApp } from "./start-app.js";

// `npm start`. Every setting is checked before anything starts (read-app-env.ts lists them); what is
// wrong is said in one sentence each on stderr, and the process exits 1 without a stack trace.

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

const read = process.exitCode ? undefined : readAppEnv(process.env);
if (read && !read.ok) fail(read.problems);
else if (read?.ok) {
  try {
    const app = await startApp(read.env, { env: process.env });
    for (const warning of read.warnings) app.log.warn({}, warning);
    const stop = (): void => {
      app.log.info({}, "stopping: no new deliveries are received");
      void app.close().finally(() => process.exit(0));
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
