import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, sep } from "node:path";
import { findOnPath } from "./find-on-path.js";
import {
  shellArgs,
  spawnCommand,
  type Sandbox,
  type SandboxProcess,
  type SandboxSpawnOptions,
  type SandboxSpec,
} from "./sandbox.js";

/** Where the administration tools live, whatever the harness's own PATH says. */
const ADMIN_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

/** How the harness runs a command as root: itself when it is root, else `sudo -n` (never a prompt). */
export interface Privilege {
  asRoot: boolean;
  run(args: readonly string[]): Promise<string>;
}

export function currentPrivilege(): Privilege | undefined {
  const asRoot = process.getuid?.() === 0;
  const sudo = asRoot ? undefined : findOnPath("sudo", ADMIN_PATH);
  if (!asRoot && !sudo) return undefined;
  return {
    asRoot,
    run: (args) =>
      new Promise((resolve, reject) => {
        const [file, rest] = asRoot ? [args[0]!, args.slice(1)] : [sudo!, ["-n", ...args]];
        execFile(file, rest, { env: { PATH: ADMIN_PATH, LANG: "C" }, timeout: 30_000 }, (err, out, errOut) =>
          err ? reject(new Error(`${args[0]} failed: ${errOut.trim() || err.message}`)) : resolve(out),
        );
      }),
  };
}

interface Tools {
  useradd: string;
  userdel: string;
  iptables: string;
  ip6tables: string | undefined;
  pkill: string;
  pgrep: string;
  chown: string;
  setfacl: string;
  env: string;
}

function findTools(): Tools | string {
  const found: Partial<Record<keyof Tools, string | undefined>> = {};
  for (const name of [
    "useradd",
    "userdel",
    "iptables",
    "pkill",
    "pgrep",
    "chown",
    "setfacl",
    "env",
  ] as const) {
    const path = findOnPath(name, ADMIN_PATH);
    if (!path) return `${name} is not installed`;
    found[name] = path;
  }
  found.ip6tables = findOnPath("ip6tables", ADMIN_PATH);
  return found as Tools;
}

/** IPv6 is up when the kernel lists an address other than loopback's. */
function hasIpv6(): boolean {
  if (!existsSync("/proc/net/if_inet6")) return false;
  return readFileSync("/proc/net/if_inet6", "utf8")
    .split("\n")
    .some((line) => line.trim() !== "" && !/\slo$/.test(line.trim()));
}

/**
 * Whether a user per run can be made here: root or passwordless sudo, the account tools, and a
 * firewall that can drop that user's traffic (without one, the user's egress would be open: no).
 */
export async function probeSeparateUser(
  privilege: Privilege | undefined,
): Promise<{ ok: true; tools: Tools; privilege: Privilege } | { ok: false; reason: string }> {
  if (!privilege)
    return { ok: false, reason: "a separate user needs root or sudo, and neither is available." };
  const tools = findTools();
  if (typeof tools === "string") return { ok: false, reason: `a separate user cannot be set up: ${tools}.` };
  try {
    await privilege.run([tools.pgrep, "-c", "-U", "0"]);
    await privilege.run([tools.iptables, "-w", "-S", "OUTPUT"]);
    if (hasIpv6()) {
      if (!tools.ip6tables) throw new Error("ip6tables is not installed and IPv6 is up");
      await privilege.run([tools.ip6tables, "-w", "-S", "OUTPUT"]);
    }
  } catch (err) {
    return {
      ok: false,
      reason: `a separate user cannot be set up (${(err as Error).message.split("\n")[0]}).`,
    };
  }
  return { ok: true, tools, privilege };
}

/**
 * A Unix user made for this run: another uid cannot read the harness's `/proc/<pid>/environ`, signal
 * it, or write the git metadata; the firewall drops its packets (only loopback's, with agent.network,
 * so the host's own services stay out of reach); every process it starts is killed after each command.
 * It can still read what any user may read on the host, and reach Unix sockets open to all users.
 */
export async function separateUserSandbox(
  tools: Tools,
  privilege: Privilege,
  spec: SandboxSpec,
): Promise<Sandbox> {
  const name = `pw-sbx-${randomBytes(4).toString("hex")}`;
  const harness = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
  const [home] = spec.writable;
  await privilege.run([
    tools.useradd,
    "--system",
    "--no-create-home",
    "--user-group",
    "--shell",
    "/bin/false",
    ...(home ? ["--home-dir", home] : []),
    name,
  ]);
  let uid = "";
  let gid = "";
  const rules: [string, string[]][] = [];
  const owned: string[] = [];
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    const problems: string[] = [];
    const attempt = (args: string[]): Promise<unknown> =>
      privilege.run(args).catch((err: Error) => problems.push(err.message));
    await killAll();
    for (const dir of owned) await attempt([tools.chown, "-R", "-P", harness, dir]);
    for (const [iptables, rule] of rules) await attempt([iptables, "-w", "-D", "OUTPUT", ...rule]);
    await attempt([tools.userdel, name]);
    if (problems.length)
      throw new Error(`The run's sandbox user ${name} was not fully removed: ${problems[0]}`);
  };
  const killAll = async (): Promise<void> => {
    // A process of another uid cannot change back: killing by uid reaches setsid and daemonised ones.
    if (!/^[1-9]\d*$/.test(uid)) return;
    for (let round = 0; round < 20; round++) {
      await privilege.run([tools.pkill, "-KILL", "-U", uid]).catch(() => undefined);
      const left = await privilege.run([tools.pgrep, "-U", uid]).catch(() => "");
      if (left.trim() === "") return;
    }
  };
  try {
    uid = (await privilege.run([tools.env, "id", "-u", name])).trim();
    gid = (await privilege.run([tools.env, "id", "-g", name])).trim();
    const match = ["-m", "owner", "--uid-owner", uid, "-j", "REJECT"];
    const rule = spec.network ? ["-o", "lo", ...match] : match;
    for (const iptables of [tools.iptables, ...(hasIpv6() && tools.ip6tables ? [tools.ip6tables] : [])]) {
      await privilege.run([iptables, "-w", "-I", "OUTPUT", ...rule]);
      rules.push([iptables, rule]);
    }
    // The work tree belongs to the harness, and git refuses a repository another user owns.
    if (home) await writeFile(join(home, ".gitconfig"), "[safe]\n\tdirectory = *\n");
    for (const dir of spec.writable) {
      await privilege.run([tools.chown, "-R", "-P", `${uid}:${gid}`, dir]);
      owned.push(dir);
    }
    if (!spec.readOnly) {
      // Shared, not given away: the harness's own editor writes the tree during the run, and default
      // entries keep both users' access on every file the other creates (umask is then not applied).
      const self = process.getuid?.() ?? 0;
      const grant = ["-m", `u:${uid}:rwX`, "-m", `d:u:${uid}:rwX`, "-m", `d:u:${self}:rwX`];
      await privilege.run([tools.setfacl, "-R", "-P", ...grant, spec.root]);
      owned.push(spec.root);
    }
    for (const dir of [spec.root, ...spec.readable]) await letOthersIn(dir);
  } catch (err) {
    await dispose().catch(() => undefined);
    throw err;
  }
  return {
    kind: "user",
    description: `separate user ${name} (${spec.network ? "loopback blocked" : "no network"})`,
    spawn(command: string, options: SandboxSpawnOptions): SandboxProcess {
      if (options.readOnly && !spec.readOnly) {
        throw new Error("This run's work tree belongs to its sandbox user: a read-only command cannot run.");
      }
      if (privilege.asRoot) {
        return spawnCommand(shellArgs(command), spec.root, options.env, {
          uid: Number(uid),
          gid: Number(gid),
        });
      }
      const pairs = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
      const argv = ["sudo", "-n", "-u", name, "--", tools.env, "-i", ...pairs, ...shellArgs(command)];
      return spawnCommand(argv, spec.root, { PATH: ADMIN_PATH });
    },
    killAll,
    dispose,
  };
}

/**
 * The harness makes its folders with mkdtemp (mode 0700): the sandbox user may list the work tree and
 * read the git metadata, so those folders, and their parents up to the temporary folder, open to
 * others — only folders the harness made there; nothing of the host is loosened.
 */
async function letOthersIn(dir: string): Promise<void> {
  const tmp = tmpdir();
  const self = process.getuid?.();
  for (let d = dir, first = true; d.startsWith(tmp + sep); d = dirname(d), first = false) {
    const info = await stat(d).catch(() => undefined);
    if (!info?.isDirectory() || info.uid !== self) return;
    await chmod(d, info.mode | (first ? 0o005 : 0o001));
  }
}
