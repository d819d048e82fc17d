import { delimiter } from "node:path";
import { bubblewrapSandbox, probeBubblewrap } from "./bubblewrap.js";
import { findOnPath } from "./find-on-path.js";
import {
  shellArgs,
  spawnCommand,
  type NoSandbox,
  type Sandbox,
  type SandboxMode,
  type SandboxSpec,
} from "./sandbox.js";
import { currentPrivilege, probeSeparateUser, separateUserSandbox, type Privilege } from "./separate-user.js";

/** What the host offers; read from the environment by `sandboxHost`, replaced in tests. */
export interface SandboxHost {
  bwrap: string | undefined;
  path: string | undefined;
  home: string | undefined;
  extraReadable: readonly string[];
  privilege: Privilege | undefined;
}

export function sandboxHost(env: NodeJS.ProcessEnv = process.env): SandboxHost {
  return {
    bwrap: findOnPath("bwrap", env["PATH"]),
    path: env["PATH"],
    home: env["HOME"],
    extraReadable: (env["PATCHWRIGHT_SANDBOX_READ"] ?? "").split(delimiter).filter((d) => d.startsWith("/")),
    privilege: currentPrivilege(),
  };
}

const bubblewrapWorks = new Map<string, ReturnType<typeof probeBubblewrap>>();

/**
 * The run's sandbox, per the operator's mode. `auto` takes bubblewrap where it works, else a separate
 * user where the harness may make one, else none at all: then the run's commands are refused (it
 * fails closed); running them unconfined takes the explicit `PATCHWRIGHT_SANDBOX=none`.
 */
export async function openSandbox(
  mode: SandboxMode,
  spec: SandboxSpec,
  host: SandboxHost,
): Promise<Sandbox | NoSandbox> {
  if (mode === "none") return unconfinedSandbox(spec);
  const reasons: string[] = [];
  if (mode === "auto" || mode === "bubblewrap") {
    const key = `${host.bwrap ?? ""}\0${host.path ?? ""}`;
    const probe = bubblewrapWorks.get(key) ?? probeBubblewrap(host);
    bubblewrapWorks.set(key, probe);
    if (probe.ok && host.bwrap) return bubblewrapSandbox({ ...host, bwrap: host.bwrap }, spec);
    if (!probe.ok) reasons.push(probe.reason);
  }
  if (mode === "auto" || mode === "user") {
    const probe = await probeSeparateUser(host.privilege);
    if (probe.ok) return separateUserSandbox(probe.tools, probe.privilege, spec);
    reasons.push(probe.reason);
  }
  return { kind: "unavailable", reason: `no sandbox that holds is available here: ${reasons.join(" ")}` };
}

/** `PATCHWRIGHT_SANDBOX=none`: the operator's word that the host itself is the sandbox. */
export function unconfinedSandbox(spec: Pick<SandboxSpec, "root">): Sandbox {
  return {
    kind: "none",
    description: "none (PATCHWRIGHT_SANDBOX=none: commands run unconfined)",
    spawn: (command, options) => spawnCommand(shellArgs(command), spec.root, options.env),
    killAll: () => Promise.resolve(),
    dispose: () => Promise.resolve(),
  };
}
