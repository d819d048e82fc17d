import { execFile } from "node:child_process";

export class GitError extends Error {
  override readonly name = "GitError";
  constructor(
    message: string,
    /** All that git said on standard error, for callers that must tell its failures apart. */
    readonly stderr = "",
  ) {
    super(message);
  }
}

/** Runs git with arguments (never a shell), returning stdout; a failure carries git's own first line. */
export function git(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...args],
      { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const reason = stderr.trim().split("\n").find(Boolean) ?? err.message;
          reject(new GitError(`git ${args[0]} failed: ${reason}`, stderr.slice(0, 4000)));
        } else resolve(stdout);
      },
    );
  });
}
