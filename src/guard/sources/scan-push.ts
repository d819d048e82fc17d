import type { Block } from "../block.js";
import { textBlock } from "../block.js";
import type { Collector } from "../collector.js";
import type { Guard } from "../engine.js";
import { ScanError } from "../scan-error.js";
import { catObjects, type GitObject } from "./cat-objects.js";
import { gitOutput } from "./git-process.js";

/** Past this, an object is not scanned, so it is not pushed (a build output the agent should not commit). */
export const MAX_PUSHED_OBJECT_BYTES = 32 * 1024 * 1024;

export interface PushScan {
  /** The commit about to be pushed. */
  tip: string;
  /** What the remote already has (the run's base): objects reachable from it are not new. */
  base: string;
  /** The branch it is pushed to. */
  branch: string;
}

/**
 * Scans exactly what a push of `tip` would send beyond `base`: every new object, read as stored —
 * replace refs ignored, `.gitattributes` ignored (`-diff` or `binary` hide nothing), bytes read whatever
 * they hold (a NUL makes nothing "binary"). That covers the files of every new commit (an evil merge's
 * own content too), every file and folder name, every commit message and identity, and the branch.
 *
 * In a file that was on the base at the same path, only the lines that were not there are scanned: the
 * push adds nothing else, and a secret already public on the base is not the run's to block.
 */
export async function scanPushedObjects(
  guard: Guard,
  repo: string,
  push: PushScan,
  out: Collector,
): Promise<void> {
  const [tip, base] = await Promise.all([push.tip, push.base].map((rev) => commitId(repo, rev)));
  const listed = await gitOutput(repo, [
    "--no-replace-objects",
    "rev-list",
    "--objects",
    "--no-object-names",
    tip!,
    "--not",
    base!,
    "--",
  ]);
  const oids = listed.split("\n").filter(Boolean);
  const objects = new Map<string, GitObject>();
  for (const [i, object] of (await catObjects(repo, oids, MAX_PUSHED_OBJECT_BYTES)).entries()) {
    if (!object) throw new ScanError(`object ${oids[i]} of the push cannot be read`);
    objects.set(oids[i]!, object);
  }
  const hashBytes = tip!.length / 2;
  const scanned = new Set<string>();
  const blobs: { oid: string; path: string; commit: string }[] = [];

  const walk = (treeOid: string, prefix: string, commit: string): void => {
    const tree = objects.get(treeOid);
    if (!tree || scanned.has(`${treeOid}\0${prefix}`)) return;
    scanned.add(`${treeOid}\0${prefix}`);
    for (const entry of treeEntries(tree.data, hashBytes)) {
      const path = prefix + entry.name;
      if (!objects.has(entry.oid)) continue;
      out.add(guard.scanPath(path, "file", commit));
      if (entry.mode.startsWith("4")) walk(entry.oid, `${path}/`, commit);
      else blobs.push({ oid: entry.oid, path, commit });
    }
  };
  for (const [oid, object] of objects) {
    if (object.type !== "commit") continue;
    const { tree, identities, message } = parseCommit(object.data.toString("utf8"));
    out.add(guard.scanBlock(textBlock(message, "message", "", oid)));
    out.add(guard.scanBlock(textBlock(identities, "author", "", oid)));
    if (tree) walk(tree, "", oid);
  }
  out.add(guard.scanBlock(textBlock(push.branch, "branch", "", tip)));

  const seen = new Set<string>();
  const fresh = blobs.filter((b) => (seen.has(b.oid) ? false : (seen.add(b.oid), true)));
  const before = await baseLines(
    repo,
    push.base,
    fresh.map((b) => b.path),
    hashBytes,
  );
  for (const { oid, path, commit } of fresh) {
    out.files++;
    if (guard.isPathAllowed(path) && !guard.holdsKnownSecrets) continue;
    const data = objects.get(oid)!.data;
    out.bytes += data.length;
    for (const block of blobBlocks(data, path, commit, before.get(path))) out.add(guard.scanBlock(block));
  }
}

async function commitId(repo: string, rev: string): Promise<string> {
  const args = ["--no-replace-objects", "rev-parse", "--verify", "--quiet", `${rev}^{commit}`];
  const id = rev.startsWith("-") ? "" : (await gitOutput(repo, args).catch(() => "")).trim();
  if (!id) throw new ScanError(`"${rev}" is not a commit`);
  return id;
}

/** The lines of a blob that are new, as a block; with NUL bytes, also the text without them (UTF-16). */
function blobBlocks(
  data: Buffer,
  path: string,
  commit: string,
  old: ReadonlySet<string> | undefined,
): Block[] {
  const texts = [data.toString("utf8")];
  if (data.includes(0)) texts.push(data.toString("latin1").replace(/\0/g, ""));
  const blocks: Block[] = [];
  for (const text of texts) {
    const lines = text.split("\n");
    const kept: string[] = [];
    const numbers: number[] = [];
    lines.forEach((line, i) => {
      if (old?.has(line.replace(/\r$/, ""))) return;
      kept.push(line);
      numbers.push(i + 1);
    });
    if (kept.length === 0) continue;
    blocks.push({ ...textBlock(kept.join("\n"), "file", path, commit), lineNumbers: numbers });
  }
  return blocks;
}

/** For each path that exists on the base, the set of its lines there. */
async function baseLines(
  repo: string,
  base: string,
  paths: readonly string[],
  hashBytes: number,
): Promise<Map<string, Set<string>>> {
  const wanted = new Set(paths);
  const onBase = new Map<string, string>();
  if (wanted.size === 0) return new Map();
  const listing = await gitOutput(repo, ["--no-replace-objects", "ls-tree", "-r", "-z", "--full-tree", base]);
  for (const record of listing.split("\0")) {
    const tab = record.indexOf("\t");
    const [, type, oid] = record.slice(0, tab).split(" ");
    const path = record.slice(tab + 1);
    if (type === "blob" && oid?.length === hashBytes * 2 && wanted.has(path)) onBase.set(path, oid);
  }
  const entries = [...onBase];
  const objects = await catObjects(
    repo,
    entries.map(([, oid]) => oid),
    MAX_PUSHED_OBJECT_BYTES,
  );
  const lines = new Map<string, Set<string>>();
  entries.forEach(([path], i) => {
    const data = objects[i]?.data;
    if (data)
      lines.set(
        path,
        new Set(
          data
            .toString("utf8")
            .split("\n")
            .map((l) => l.replace(/\r$/, "")),
        ),
      );
  });
  return lines;
}

interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

/** A tree object's entries: `<mode> <name>\0<hash>` repeated, names taken byte for byte. */
function treeEntries(data: Buffer, hashBytes: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const nul = data.indexOf(0, space);
    if (space === -1 || nul === -1 || nul + 1 + hashBytes > data.length) {
      throw new ScanError("a tree of the push cannot be read");
    }
    entries.push({
      mode: data.subarray(at, space).toString("latin1"),
      name: data.subarray(space + 1, nul).toString("utf8"),
      oid: data.subarray(nul + 1, nul + 1 + hashBytes).toString("hex"),
    });
    at = nul + 1 + hashBytes;
  }
  return entries;
}

/** A commit object's tree, its author and committer lines (without dates), and its message. */
function parseCommit(raw: string): { tree: string | undefined; identities: string; message: string } {
  const split = raw.indexOf("\n\n");
  const headers = (split === -1 ? raw : raw.slice(0, split)).split("\n");
  const message = split === -1 ? "" : raw.slice(split + 2).replace(/\n+$/, "");
  const tree = headers.find((h) => h.startsWith("tree "))?.slice(5);
  const identities = headers
    .filter((h) => h.startsWith("author ") || h.startsWith("committer "))
    .map((h) => h.replace(/^\w+ /, "").replace(/ \d+ [+-]\d{4}$/, ""))
    .join("\n");
  return { tree, identities, message };
}
