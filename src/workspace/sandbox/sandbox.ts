import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { z } from "zod";

/**
 * Where the agent's commands (and the repository's own test script) run. Every command patchwright
 * starts on the repository's behalf goes through one of these; the harness itself never runs code
 * the repository or the model wrote.
 *
 * - `bubblewrap`: new namespaces, only toolchains, the work tree, a fresh HOME and /tmp bound, no
 *   network unless the config opens it, every process gone when the command ends.
 * - `user`: a Unix user made for the run (root or passwordless sudo needed, as on GitHub-hosted
 *   runners where bubblewrap is blocked): it cannot read the harness's `/proc/<pid>/environ` or its
 *   files, its egress is dropped by the firewall, and all its processes are killed after each command.
 * - `none`: no confinement at all; only when the operator says so with `PATCHWRIGHT_SANDBOX=none`.
 */
export type SandboxKind = "bubblewrap" | "user" | "none";

export const SandboxMode = z.enum(["auto", "bubblewrap", "user", "none"]);
export type SandboxMode = z.infer<typeof SandboxMode>;

export interface SandboxSpawnOptions {
  /** The environment the command gets: already scrubbed, HOME included. */
  env: Readonly<Record<string, string>>;
  /** Forbid writes to the work tree for this command (read-only runs). */
  readOnly: boolean;
}

/** A command's process: no standard input, both outputs piped. */
export type SandboxProcess = ChildProcessByStdio<null, Readable, Readable>;

export interface Sandbox {
  readonly kind: SandboxKind;
  /** One line for the report: what confined the commands. */
  readonly description: string;
  /** Starts `bash -c command` in the work tree, in its own process group. */
  spawn(command: string, options: SandboxSpawnOptions): SandboxProcess;
  /** Ends every process the sandbox started, those that left the process group included. */
  killAll(): Promise<void>;
  /** Stops everything and hands the work tree, HOME and scratch back to the harness. Idempotent. */
  dispose(): Promise<void>;
}

/** No sandbox that holds could be set up: the run goes on, and every command is refused with `reason`. */
export interface NoSandbox {
  readonly kind: "unavailable";
  readonly reason: string;
}

export interface SandboxSpec {
  /** The work tree, symlinks resolved: the only place commands may write (unless read-only). */
  root: string;
  /** Git metadata the work tree points to: visible read-only, so `git log` works, never writable. */
  readable: readonly string[];
  /** Fresh folders the commands may write: HOME and the scratch folder. */
  writable: readonly string[];
  network: boolean;
  /** The whole run is read-only (answer, plan, review): the work tree is never writable. */
  readOnly: boolean;
}

export const SANDBOX_MODE_ERROR =
  "PATCHWRIGHT_SANDBOX must be auto, bubblewrap, user or none (none runs commands unconfined, only for a host that is itself the sandbox).";

/** The operator's choice; a bad value is a plain sentence, never a stack trace. */
export function readSandboxMode(env: NodeJS.ProcessEnv): SandboxMode {
  const raw = env["PATCHWRIGHT_SANDBOX"]?.trim() || "auto";
  const parsed = SandboxMode.safeParse(raw);
  if (!parsed.success) throw new SandboxConfigError(SANDBOX_MODE_ERROR);
  return parsed.data;
}

export class SandboxConfigError extends Error {
  override readonly name = "SandboxConfigError";
}

/** No file a command writes grows past this (the shell's `ulimit -f`, in 512-byte blocks: 1 GiB). */
const MAX_FILE_BLOCKS = 2 * 1024 * 1024;

/**
 * `bash -c` with the command as its own argument, run verbatim by an inner shell after the limits are
 * set: the hard limit cannot be raised again from inside.
 */
export function shellArgs(command: string): string[] {
  return ["bash", "-c", `ulimit -f ${MAX_FILE_BLOCKS} && exec bash -c "$0"`, command];
}

/**
 * Starts `argv` in its own process group (so a timeout or an abort kills everything it started), with
 * no standard input and both outputs piped; as `ids` when given (the harness is root).
 */
export function spawnCommand(
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
  ids?: { uid: number; gid: number },
): SandboxProcess {
  const [file, ...args] = argv;
  return spawn(file!, args, {
    cwd,
    env: { ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    ...ids,
  });
}

/** The sentence the model (and the report) gets when commands are refused. */
export function refusal(reason: string): string {
  return (
    `Commands are disabled in this run: ${reason} ` +
    "Work with the file tools instead (view, search, edit); the operator can install bubblewrap, " +
    "or set PATCHWRIGHT_SANDBOX (see docs/security.md)."
  );
}
