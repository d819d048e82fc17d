import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { z } from "zod";
import { defineTool } from "./define-tool.js";
import type { Tool, ToolContext, ToolResult } from "./tool-types.js";
import { refusal, type SandboxProcess } from "../workspace/sandbox/sandbox.js";

/** Bytes of output kept in memory at each end; the rest goes only to the full-output file. */
export const OUTPUT_HEAD_BYTES = 7_500;
export const OUTPUT_TAIL_BYTES = 7_500;
/** What the full-output file keeps: a command printing gigabytes must not fill the disk. */
export const FULL_OUTPUT_BYTES = 8 * 1024 * 1024;
const KILL_GRACE_MS = 2_000;

export const BashInput = z.object({
  command: z.string().optional(),
  restart: z.boolean().optional(),
});
export type BashInput = z.infer<typeof BashInput>;

let outputCounter = 0;

function nextOutputFile(scratchDir: string): string {
  mkdirSync(scratchDir, { recursive: true });
  for (;;) {
    const file = join(scratchDir, `bash-output-${String(++outputCounter).padStart(4, "0")}.log`);
    if (!existsSync(file)) return file;
  }
}

export interface BashToolOptions {
  /** The work tree is read-only for this tool's commands (read-only runs). */
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
      return runCommand(input.command, ctx, options.readOnlyRoot ?? false).then((r) => r.result);
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
  const { result, exitCode } = await runCommand(command, ctx, false);
  return { passed: exitCode === 0, output: result.content };
}

function runCommand(command: string, ctx: ToolContext, readOnlyRoot: boolean) {
  return new Promise<{ result: ToolResult; exitCode: number | null }>((resolve) => {
    const sandbox = ctx.sandbox;
    // Fail closed: without a sandbox that holds, nothing the model or the repository wrote is run.
    if (sandbox.kind === "unavailable") {
      return resolve({ result: { isError: true, content: refusal(sandbox.reason) }, exitCode: null });
    }
    const file = nextOutputFile(ctx.scratchDir);
    const full = createWriteStream(file);
    let written = 0;
    let child: SandboxProcess;
    try {
      // In its own process group, so a timeout or an abort kills everything it started.
      child = sandbox.spawn(command, { env: ctx.env, readOnly: readOnlyRoot });
    } catch (err) {
      full.end();
      return resolve({ result: { isError: true, content: (err as Error).message }, exitCode: null });
    }
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
        const room = FULL_OUTPUT_BYTES - written;
        if (room <= 0) return;
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        written += part.length;
        // Backpressure: a command printing fast waits for the disk instead of filling our memory.
        if (!full.write(part)) {
          for (const s of streams) s.pause();
          full.once("drain", () => streams.forEach((s) => s.resume()));
        }
      });
    }
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let swept: Promise<unknown> = Promise.resolve();
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      // Leftover background processes would hold the pipes open: they do not outlive the call, not
      // even those that left the process group (the sandbox finds them by uid or namespace).
      killGroup("SIGTERM");
      hardKill ??= setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
      swept = sandbox.killAll().catch(() => undefined);
    });
    let finished = false;
    const finish = (spawnError?: Error): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(hardKill);
      ctx.signal.removeEventListener("abort", onAbort);
      full.end(
        () =>
          void swept.then(() => {
            if (spawnError) {
              return resolve({
                result: { isError: true, content: `Could not start the command: ${spawnError.message}` },
                exitCode: null,
              });
            }
            const { text, cut } = kept.text();
            const lines = [text.trimEnd() === "" ? "(no output)" : text.trimEnd()];
            if (cut > 0) {
              const saved = written < kept.total ? `its first ${written} bytes` : "all of it";
              lines.push(
                `[full output (${kept.total} bytes), ${saved} in ${file}: view it with str_replace_based_edit_tool]`,
              );
            }
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
          }),
      );
    };
    child.on("error", (error) => finish(error));
    child.on("close", () => finish());
  });
}
