import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSandbox, sandboxHost, type SandboxHost } from "./open-sandbox.js";
import { readSandboxMode, type NoSandbox, type Sandbox, type SandboxSpec } from "./sandbox.js";
import { scrubbedEnv } from "./scrubbed-env.js";

export interface RunSandboxOptions extends Omit<SandboxSpec, "writable"> {
  /** The harness's environment: the sandbox mode is read from it, and it is never passed on whole. */
  hostEnv: NodeJS.ProcessEnv;
  /** Variable names the repository's config passes to commands (credentials never pass). */
  passEnv?: string[] | undefined;
  /** What the host offers for sandboxing; read from `hostEnv` unless given (tests). */
  host?: SandboxHost | undefined;
}

/** Everything a run's commands get, and the one place that takes it all down again. */
export interface RunSandbox {
  /** The scrubbed environment, HOME included. */
  env: Record<string, string>;
  /** Where full command output is saved: readable by commands, never writable. */
  scratchDir: string;
  sandbox: Sandbox | NoSandbox;
  /** What confined the commands, in a few words; or why they are all refused. */
  description: string;
  /** Ends the confinement (processes killed, the tree handed back); the folders stay. Idempotent. */
  stop(): Promise<void>;
  /** Stops, then removes HOME and the scratch folder. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * One run's sandbox with its fresh HOME and scratch folder. Every run and review opens one and disposes
 * it, so no temporary folder of a run outlives it.
 */
export async function openRunSandbox(o: RunSandboxOptions): Promise<RunSandbox> {
  const mode = readSandboxMode(o.hostEnv);
  const home = await mkdtemp(join(tmpdir(), "patchwright-home-"));
  const scratchDir = await mkdtemp(join(tmpdir(), "patchwright-scratch-")).catch(async (err: unknown) => {
    await rm(home, { recursive: true, force: true });
    throw err;
  });
  const removeFolders = async (): Promise<void> => {
    for (const dir of [scratchDir, home]) await rm(dir, { recursive: true, force: true });
  };
  const sandbox = await openSandbox(
    mode,
    {
      root: o.root,
      readable: [...o.readable, scratchDir],
      writable: [home],
      network: o.network,
      readOnly: o.readOnly,
    },
    o.host ?? sandboxHost(o.hostEnv),
  ).catch(async (err: unknown) => {
    await removeFolders();
    throw err;
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= sandbox.kind === "unavailable" ? Promise.resolve() : sandbox.dispose());
  let disposed: Promise<void> | undefined;
  return {
    env: scrubbedEnv(o.hostEnv, home, o.passEnv),
    scratchDir,
    sandbox,
    description: sandbox.kind === "unavailable" ? `none: ${sandbox.reason}` : sandbox.description,
    stop,
    dispose: () =>
      (disposed ??= stop()
        .catch(() => undefined)
        .then(removeFolders)),
  };
}
