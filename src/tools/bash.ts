import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { z } from "zod";
import { defineTool } from "./define-tool.js";
import type { Tool, ToolContext, ToolResult } from "./tool-types.js";
import { findOnPath } from "./which.js";

/** Bytes of output kept in memory at each end; the rest goes only to the full-output file. */
export const OUTPUT_HEAD_BYTES = 7_500;
export const OUTPUT_TAIL_BYTES = 7_500;
const KILL_GRACE_MS = 2_000;

export const BashInput = z.object({
  command: z.string().optional(),
  restart: z.boolean().optional(),
});
export type BashInput = z.infer<typeof BashInput>;

// Never passed to a command, even when a caller lists it: the model must never see a credential.
const FORBIDDEN_NAME = /TOKEN|SECRET|KEY|PASSWORD|CREDENTIAL|AUTH/i;
const FORBIDDEN_PREFIX = /^(GITHUB_|ANTHROPIC_|ACTIONS_)/i;

/**
 * The environment commands run with: PATH, LANG/LC_ALL, a fresh temporary HOME (so no ~/.npmrc,
 * ~/.gitconfig or ~/.git-credentials of the host is read), CI=true, TERM=dumb, and the `extra` names
 * copied from `base` — except any that look like a credential or belong to GitHub/Anthropic/Actions.
 */
export function scrubbedEnv(base: NodeJS.ProcessEnv, extra: string[] = []): Record<string, string> {
  const env: Record<string, string> = {
    PATH: base.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: mkdtempSync(join(tmpdir(), "patchwright-home-")),
    CI: "true",
    TERM: "dumb",
  };
  for (const name of ["LANG", "LC_ALL", ...extra]) {
    const value = base[name];
    if (value === undefined || !isPassable(name)) continue;
    if (name === "HOME" || name === "CI" || name === "TERM") continue;
    env[name] = value;
  }
  return env;
}

export function isPassable(name: string): boolean {
  return !FORBIDDEN_NAME.test(name) && !FORBIDDEN_PREFIX.test(name);
}

let probed: "bubblewrap" | "none" | undefined;

/**
 * "bubblewrap" when `bwrap` is on PATH and can actually create its namespaces here (some CI hosts
 * forbid unprivileged user namespaces: then commands run unsandboxed, and the run log says so).
 */
export function isolation(): "bubblewrap" | "none" {
  if (probed) return probed;
  const bwrap = findOnPath("bwrap");
  if (!bwrap) return (probed = "none");
  const tmp = realpathSync(tmpdir());
  const probe = spawnSync(bwrap, [...bwrapArgs(tmp, [], false, false), "true"], { timeout: 10_000 });
  return (probed = probe.status === 0 ? "bubblewrap" : "none");
}

function bwrapArgs(root: string, writable: string[], allowNetwork: boolean, readOnlyRoot: boolean): string[] {
  const args = ["--die-with-parent", "--unshare-all"];
  if (allowNetwork) args.push("--share-net");
  args.push("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp");
  // Binds after the /tmp tmpfs, so a worktree or HOME under /tmp shows through it.
  args.push(readOnlyRoot ? "--ro-bind" : "--bind", root, root);
  for (const dir of writable) args.push("--bind", dir, dir);
  args.push("--chdir", root, "--");
  return args;
}

let outputCounter = 0;

function nextOutputFile(scratchDir: string): string {
  mkdirSync(scratchDir, { recursive: true });
  for (;;) {
    const file = join(scratchDir, `bash-output-${String(++outputCounter).padStart(4, "0")}.log`);
    if (!existsSync(file)) return file;
  }
}

export interface BashToolOptions {
  /** "auto" (default): bubblewrap when it works here; "none": never (tests, or a host that is the sandbox). */
  sandbox?: "auto" | "none";
  /** Bind the worktree read-only inside the sandbox (read-only runs). */
  readOnlyRoot?: boolean;
}

export function createBashTool(options: BashToolOptions = {}): Tool<BashInput> {
  return defineTool<BashInput>({
    name: "bash",
    kind: "exec",
    spec: { kind: "anthropic", type: "bash_20250124", name: "bash" },
    input: BashInput,
    subject: (input) => (input.restart ? "restart" : (input.command ?? "")),
    run(input, ctx) {
      if (input.restart) {
        return Promise.resolve({
          isError: false,
          content: "Restarted. (Every command runs in a fresh shell: cd and exports do not carry over.)",
        });
      }
      if (!input.command?.trim()) {
        return Promise.resolve({ isError: true, content: "`command` is required (or restart: true)." });
      }
      const sandbox = options.sandbox === "none" ? "none" : isolation();
      return runCommand(input.command, ctx, sandbox, options.readOnlyRoot ?? false).then((r) => r.result);
    },
  });
}

export const bashTool = createBashTool();

/** Keeps the first and last bytes of a stream, never more, and counts the rest. */
class HeadTail {
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  total = 0;
  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.head.length < OUTPUT_HEAD_BYTES) {
      const take = chunk.subarray(0, OUTPUT_HEAD_BYTES - this.head.length);
      this.head = Buffer.concat([this.head, take]);
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length === 0) return;
    const joined = Buffer.concat([
      this.tail.subarray(-OUTPUT_TAIL_BYTES),
      chunk.subarray(-OUTPUT_TAIL_BYTES),
    ]);
    this.tail = joined.subarray(-OUTPUT_TAIL_BYTES);
  }
  text(): { text: string; cut: number } {
    const cut = this.total - this.head.length - this.tail.length;
    const head = this.head.toString("utf8");
    if (cut === 0) return { text: head + this.tail.toString("utf8"), cut };
    return { text: `${head}\n\n[... ${cut} bytes cut ...]\n\n${this.tail.toString("utf8")}`, cut };
  }
}

/**
 * Runs a command the harness itself needs (the repository's tests, to verify a run), in the same sandbox
 * and environment as the model's commands; passed means exit code 0.
 */
export async function runHarnessCommand(
  command: string,
  ctx: ToolContext,
): Promise<{ passed: boolean; output: string }> {
  const { result, exitCode } = await runCommand(command, ctx, isolation(), false);
  return { passed: exitCode === 0, output: result.content };
}

function runCommand(
  command: string,
  ctx: ToolContext,
  sandbox: "bubblewrap" | "none",
  readOnlyRoot: boolean,
) {
  return new Promise<{ result: ToolResult; exitCode: number | null }>((resolve) => {
    const file = nextOutputFile(ctx.scratchDir);
    const full = createWriteStream(file);
    const home = ctx.env.HOME;
    const writable = [ctx.scratchDir, ...(home && existsSync(home) ? [home] : [])].map((d) =>
      realpathSync(d),
    );
    const [program, args] =
      sandbox === "bubblewrap"
        ? [
            findOnPath("bwrap") ?? "bwrap",
            [...bwrapArgs(ctx.root, writable, ctx.allowNetwork, readOnlyRoot), "bash", "-c", command],
          ]
        : ["bash", ["-c", command]];
    const child = spawn(program, args, {
      cwd: ctx.root,
      env: { ...ctx.env },
      // Its own process group, so a timeout or an abort kills everything it started.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const kept = new HeadTail();
    let killedBy: "timeout" | "abort" | undefined;
    let hardKill: NodeJS.Timeout | undefined;
    const killGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const stop = (why: "timeout" | "abort"): void => {
      killedBy ??= why;
      killGroup("SIGTERM");
      hardKill ??= setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => stop("timeout"), ctx.commandTimeoutMs);
    const onAbort = (): void => stop("abort");
    ctx.signal.addEventListener("abort", onAbort, { once: true });

    const streams: Readable[] = [child.stdout, child.stderr];
    for (const stream of streams) {
      stream.on("data", (chunk: Buffer) => {
        kept.push(chunk);
        // Backpressure: a command printing gigabytes waits for the disk instead of filling our memory.
        if (!full.write(chunk)) {
          for (const s of streams) s.pause();
          full.once("drain", () => streams.forEach((s) => s.resume()));
        }
      });
    }
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      // Leftover background processes would hold the pipes open: they do not outlive the call.
      killGroup("SIGTERM");
      hardKill ??= setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
    });
    let finished = false;
    const finish = (spawnError?: Error): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(hardKill);
      ctx.signal.removeEventListener("abort", onAbort);
      full.end(() => {
        if (spawnError) {
          return resolve({
            result: { isError: true, content: `Could not start the command: ${spawnError.message}` },
            exitCode: null,
          });
        }
        const { text, cut } = kept.text();
        const lines = [text.trimEnd() === "" ? "(no output)" : text.trimEnd()];
        if (cut > 0)
          lines.push(
            `[full output (${kept.total} bytes): ${file}, view it with str_replace_based_edit_tool]`,
          );
        if (killedBy === "timeout")
          lines.push(
            `[killed after ${Math.round(ctx.commandTimeoutMs / 1000)} s: the command took too long]`,
          );
        else if (killedBy === "abort") lines.push("[killed: the run was cancelled]");
        else if (exit?.code !== null && exit?.code !== undefined) lines.push(`[exit code ${exit.code}]`);
        else lines.push(`[terminated by ${exit?.signal ?? "a signal"}]`);
        resolve({
          result: { isError: killedBy !== undefined, content: lines.join("\n") },
          exitCode: killedBy ? null : (exit?.code ?? null),
        });
      });
    };
    child.on("error", (error) => finish(error));
    child.on("close", () => finish());
  });
}
