import { spawn } from "node:child_process";
import { SAFE_GIT_ARGS, safeGitEnv } from "../../guard/sources/safe-git.js";

/**
 * The first `maxBytes` of a git blob, as UTF-8 text. git has no "head of a blob", so git is stopped once
 * enough has come: a blob of gigabytes of zeros (a few megabytes compressed) is never held whole. Git is
 * hardened as the shared runner (workspace/git.ts) does it, which cannot stop reading early.
 */
export function readBlobHead(repo: string, oid: string, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", [...SAFE_GIT_ARGS, "cat-file", "blob", oid], {
      cwd: repo,
      env: safeGitEnv(),
      stdio: ["ignore", "pipe", "ignore"],
    });
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, total).subarray(0, maxBytes).toString("utf8"));
    };
    child.stdout.on("data", (chunk: Buffer) => {
      if (done) return;
      chunks.push(chunk);
      total += chunk.length;
      if (total >= maxBytes) {
        finish();
        child.kill();
      }
    });
    child.on("error", (error) => {
      if (!done) reject(error);
      done = true;
    });
    child.on("close", (code) => {
      if (done) return;
      if (code === 0) finish();
      else {
        done = true;
        reject(new Error(`git cat-file failed (exit ${code ?? "signal"})`));
      }
    });
  });
}
