import { realpathSync } from "node:fs";
import { afterEach } from "vitest";
import { openSandbox, sandboxHost, unconfinedSandbox } from "../../src/workspace/sandbox/open-sandbox.js";
import type { NoSandbox, Sandbox, SandboxKind, SandboxSpec } from "../../src/workspace/sandbox/sandbox.js";
import { probeBubblewrap } from "../../src/workspace/sandbox/bubblewrap.js";
import { probeSeparateUser } from "../../src/workspace/sandbox/separate-user.js";
import { tempDir } from "./temp-repo.js";

const host = sandboxHost(process.env);
const ci = process.env.CI === "true";

/** Which confining sandboxes this machine has. CI installs both (.ci/run): there, a missing one fails. */
export const bubblewrapHere = probeBubblewrap(host).ok;
export const separateUserHere = (await probeSeparateUser(host.privilege)).ok;
if (ci && !bubblewrapHere) throw new Error("CI must have a working bubblewrap (.ci/run installs it)");
if (ci && !separateUserHere) throw new Error("CI must be able to make a sandbox user (root, iptables, acl)");

const opened: Sandbox[] = [];
afterEach(async () => {
  for (const sandbox of opened.splice(0)) await sandbox.dispose();
});

/** A sandbox of `kind` on `spec`, disposed after the test. */
export async function sandboxOf(kind: SandboxKind, spec: SandboxSpec): Promise<Sandbox> {
  const made: Sandbox | NoSandbox =
    kind === "none"
      ? unconfinedSandbox(spec)
      : await openSandbox(kind === "user" ? "user" : "bubblewrap", spec, host);
  if (made.kind === "unavailable") throw new Error(made.reason);
  opened.push(made);
  return made;
}

/** The confining kinds present here, for `describe.each`. */
export const confiningKinds: SandboxKind[] = [
  ...(bubblewrapHere ? (["bubblewrap"] as const) : []),
  ...(separateUserHere ? (["user"] as const) : []),
];

/** A fresh work tree, HOME and scratch folder, as a run lays them out; removed after the test. */
export function runFolders(): { root: string; home: string; scratch: string } {
  const make = (p: string) => realpathSync(tempDir(p));
  return { root: make("pw-root-"), home: make("pw-home-"), scratch: make("pw-scratch-") };
}
