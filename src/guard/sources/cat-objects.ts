import { spawn } from "node:child_process";
import { ScanError } from "../scan-error.js";
import { SAFE_GIT_ARGS, safeGitEnv } from "./safe-git.js";

export interface GitObject {
  type: "blob" | "tree" | "commit" | "tag";
  data: Buffer;
}

/**
 * Reads objects as they are stored (`cat-file --batch`, replace refs ignored: those are what a push
 * sends), as bytes, whatever `.gitattributes` says. `specs` are object ids or `rev:path`; a missing one
 * comes back undefined. An object larger than `maxBytes` stops the scan: it cannot be scanned, so it
 * must not leave.
 */
export async function catObjects(
  repo: string,
  specs: readonly string[],
  maxBytes: number,
): Promise<(GitObject | undefined)[]> {
  if (specs.length === 0) return [];
  const child = spawn("git", ["--no-replace-objects", ...SAFE_GIT_ARGS, "cat-file", "--batch"], {
    cwd: repo,
    env: safeGitEnv({ GIT_NO_REPLACE_OBJECTS: "1" }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const results: (GitObject | undefined)[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let want: { type: GitObject["type"]; size: number } | undefined;
  let tooBig: string | undefined;
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d.slice(0, 2048)));

  const parse = (): void => {
    for (;;) {
      if (!want) {
        const end = pending.indexOf(0x0a);
        if (end === -1) return;
        const header = pending.subarray(0, end).toString("utf8");
        pending = pending.subarray(end + 1);
        const [, type, size] = header.split(" ");
        if (type === undefined || size === undefined) {
          results.push(undefined);
          continue;
        }
        if (Number(size) > maxBytes) {
          tooBig = `${specs[results.length] ?? header} is ${size} bytes, more than the ${maxBytes} the guard scans`;
          child.kill();
          return;
        }
        want = { type: type as GitObject["type"], size: Number(size) };
      }
      if (pending.length < want.size + 1) return;
      results.push({ type: want.type, data: Buffer.from(pending.subarray(0, want.size)) });
      pending = pending.subarray(want.size + 1);
      want = undefined;
    }
  };
  child.stdout.on("data", (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    parse();
  });
  const closed = new Promise<number>((resolve, reject) => {
    child.on("error", (err) => reject(new ScanError(`cannot run git: ${err.message}`)));
    child.on("close", (code) => resolve(code ?? 1));
  });
  child.stdin.on("error", () => undefined);
  child.stdin.end(specs.map((s) => `${s}\n`).join(""));
  const code = await closed;
  if (tooBig) throw new ScanError(tooBig);
  if (code !== 0 || results.length !== specs.length) {
    throw new ScanError(`git cat-file failed: ${stderr.trim().split("\n")[0] || `exit code ${code}`}`);
  }
  return results;
}
