import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CliIo } from "./io.js";

/**
 * `patchwright serve` and `patchwright worker`: the App's server in that role, as its own process (the
 * same program `npm start` runs), so the command line never loads Probot. Stop signals are passed on, so
 * a SIGTERM drains the runs as it does for the App started directly; resolves to the App's exit code.
 */
export function runAppRole(role: "serve" | "worker", io: CliIo): Promise<number> {
  const main = fileURLToPath(new URL("../app/main.js", import.meta.url));
  const child = spawn(process.execPath, [main, role], { cwd: io.cwd, env: { ...io.env }, stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => (): void => void child.kill(signal);
  const onTerm = forward("SIGTERM");
  const onInt = forward("SIGINT");
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onInt);
  return new Promise((resolve) => {
    child.once("error", (err) => {
      io.stderr.write(`patchwright: could not start the App's ${role}: ${err.message}\n`);
      resolve(2);
    });
    child.once("exit", (code, signal) => {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
