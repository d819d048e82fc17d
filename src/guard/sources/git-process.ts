import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { ScanError } from "../scan-error.js";
import { SAFE_GIT_ARGS, safeGitEnv } from "./safe-git.js";

// Settings that make git's output stable to parse whatever the user's config says.
const STABLE = [
  ...SAFE_GIT_ARGS,
  "-c",
  "core.quotePath=false",
  "-c",
  "color.ui=false",
  "-c",
  "log.showSignature=false",
];

/** Runs git and streams its standard output line by line; a non-zero exit becomes a ScanError. */
export async function gitLines(
  cwd: string,
  args: readonly string[],
  onLine: (line: string) => void,
): Promise<void> {
  const child = spawn("git", [...STABLE, ...args], {
    cwd,
    env: safeGitEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d.slice(0, 4096)));
  const exited = new Promise<number>((resolve, reject) => {
    child.on("error", (err) => reject(new ScanError(`cannot run git: ${err.message}`)));
    child.on("close", (code) => resolve(code ?? 1));
  });
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  for await (const line of lines) onLine(line);
  const code = await exited;
  if (code !== 0) {
    const reason = stderr.trim().split("\n")[0] || `exit code ${code}`;
    throw new ScanError(`git ${args[0]} failed: ${reason}`);
  }
}

export async function gitOutput(cwd: string, args: readonly string[]): Promise<string> {
  const out: string[] = [];
  await gitLines(cwd, args, (l) => out.push(l));
  return out.join("\n");
}

/** Runs git for its exit status alone: true on 0; false on any other code, or when git cannot run. */
export function gitSucceeds(cwd: string, args: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn("git", [...STABLE, ...args], { cwd, env: safeGitEnv(), stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("close", (code) => resolve(code === 0));
  });
}
