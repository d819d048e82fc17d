import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve, sep } from "node:path";
import {
  shellArgs,
  spawnCommand,
  type Sandbox,
  type SandboxProcess,
  type SandboxSpawnOptions,
  type SandboxSpec,
} from "./sandbox.js";

/**
 * Of /etc, only what programs need to start, resolve names and check certificates. The rest
 * (`shadow`, `sudoers`, ssh host keys, `ssl/private`, an operator's `/etc/patchwright/key.pem`…) stays
 * out: the command runs with the harness's uid behind its namespace, so a file readable by the harness
 * would be readable by the command.
 */
const ETC_ALLOWED = [
  "alternatives",
  "ca-certificates",
  "ca-certificates.conf",
  "crypto-policies",
  "debian_version",
  "environment",
  "group",
  "host.conf",
  "hostname",
  "hosts",
  "inputrc",
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "locale.alias",
  "locale.gen",
  "localtime",
  "lsb-release",
  "magic",
  "magic.mime",
  "mime.types",
  "nsswitch.conf",
  "os-release",
  "passwd",
  "pki",
  "profile",
  "protocols",
  "python3",
  "resolv.conf",
  "services",
  "ssl/certs",
  "ssl/openssl.cnf",
  "timezone",
  "bash.bashrc",
];
/** Toolchain families that keep their configuration in /etc (java's security files, for one). */
const ETC_PREFIXES = ["java-", "python3."];

/** System folders bound read-only as they are (a symlink stays a symlink, as on merged-/usr systems). */
const SYSTEM = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt"];

/** The uid and gid commands see inside the namespace: an ordinary user, not root. */
const SANDBOX_ID = "1000";

export interface BubblewrapOptions {
  /** bwrap's path; undefined when it is not installed. */
  bwrap: string | undefined;
  /** The harness's PATH: toolchains installed outside /usr and /opt are bound from there. */
  path: string | undefined;
  /** The harness's HOME: never bound, even when a toolchain lives under it (only its bin folder is). */
  home: string | undefined;
  /** Folders the operator adds, read-only (PATCHWRIGHT_SANDBOX_READ): a toolchain under HOME, say. */
  extraReadable: readonly string[];
}

/** Whether bubblewrap works here; the reason when it does not (not installed, namespaces refused). */
export function probeBubblewrap(o: BubblewrapOptions): { ok: true } | { ok: false; reason: string } {
  if (!o.bwrap) return { ok: false, reason: "bubblewrap (bwrap) is not installed." };
  const root = mkdtempSync(join(tmpdir(), "patchwright-probe-"));
  try {
    const args = bubblewrapArgs(
      o,
      { root, readable: [], writable: [], network: false, readOnly: true },
      true,
    );
    const probe = spawnSync(o.bwrap, [...args, "true"], { timeout: 10_000, encoding: "utf8" });
    if (probe.status === 0) return { ok: true };
    const why = (probe.stderr || probe.error?.message || "").trim().split("\n")[0];
    return {
      ok: false,
      reason: `bubblewrap cannot create its namespaces here (${why || "no reason given"}).`,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function bubblewrapSandbox(o: BubblewrapOptions & { bwrap: string }, spec: SandboxSpec): Sandbox {
  return {
    kind: "bubblewrap",
    description: `bubblewrap (${spec.network ? "network open by agent.network" : "no network"})`,
    spawn(command: string, options: SandboxSpawnOptions): SandboxProcess {
      const args = bubblewrapArgs(o, spec, spec.readOnly || options.readOnly);
      return spawnCommand([o.bwrap, ...args, ...shellArgs(command)], spec.root, options.env);
    },
    // The command is pid 1's child in its own pid namespace: when it ends, the kernel ends the rest.
    killAll: () => Promise.resolve(),
    dispose: () => Promise.resolve(),
  };
}

export function bubblewrapArgs(o: BubblewrapOptions, spec: SandboxSpec, readOnlyRoot: boolean): string[] {
  const args = ["--die-with-parent", "--new-session", "--unshare-all"];
  // A user namespace even for root: the command runs as an ordinary uid with no capabilities.
  args.push("--unshare-user", "--uid", SANDBOX_ID, "--gid", SANDBOX_ID, "--cap-drop", "ALL");
  if (spec.network) args.push("--share-net");
  for (const dir of SYSTEM) args.push(...bindAsIs(dir));
  args.push("--dir", "/etc");
  for (const name of etcEntries()) args.push("--ro-bind", join("/etc", name), join("/etc", name));
  for (const dir of [...toolchainDirs(o), ...o.extraReadable.filter((d) => existsSync(d))])
    args.push("--ro-bind", dir, dir);
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/var/tmp", "--tmpfs", "/run");
  // After the /tmp tmpfs, so a work tree or HOME under /tmp shows through it; git metadata last, so
  // it stays read-only even where it lies inside a writable folder.
  args.push(readOnlyRoot ? "--ro-bind" : "--bind", spec.root, spec.root);
  for (const dir of spec.writable) args.push("--bind", dir, dir);
  for (const dir of spec.readable) if (existsSync(dir)) args.push("--ro-bind", dir, dir);
  args.push("--chdir", spec.root, "--");
  return args;
}

function bindAsIs(path: string): string[] {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return [];
  }
  if (stat.isSymbolicLink()) return ["--symlink", readlinkSync(path), path];
  return stat.isDirectory() ? ["--ro-bind", path, path] : [];
}

function etcEntries(): string[] {
  const names = existsSync("/etc") ? readdirSync("/etc") : [];
  const extra = names.filter((n) => ETC_PREFIXES.some((p) => n.startsWith(p)));
  return [...ETC_ALLOWED, ...extra].filter((name) => existsSync(join("/etc", name)));
}

/**
 * PATH folders outside the system folders (a toolchain in /usr/local is already there; one from
 * actions/setup-node lives in the runner's tool cache). A `…/bin` folder brings its parent, where the
 * toolchain keeps its libraries — unless that parent is, or holds, the harness's HOME, whose dotfiles
 * may hold credentials (~/.cargo/credentials.toml, ~/.npmrc).
 */
function toolchainDirs(o: BubblewrapOptions): string[] {
  const home = o.home ? resolve(o.home) : undefined;
  const covered = (dir: string): boolean =>
    dir === "/" || SYSTEM.some((s) => dir === s || dir.startsWith(s + sep)) || dir.startsWith("/etc");
  const dirs = new Set<string>();
  for (const entry of (o.path ?? "").split(delimiter)) {
    if (!entry.startsWith("/") || !existsSync(entry)) continue;
    const dir = resolve(entry);
    if (covered(dir) || dir.startsWith("/tmp/") || dir.startsWith("/proc")) continue;
    const parent = dirname(dir);
    const parentHoldsHome = home !== undefined && (home === parent || home.startsWith(parent + sep));
    const insideHome = home !== undefined && parent.startsWith(home + sep);
    dirs.add(dir.endsWith(`${sep}bin`) && !parentHoldsHome && !insideHome ? parent : dir);
  }
  return [...dirs].sort();
}
