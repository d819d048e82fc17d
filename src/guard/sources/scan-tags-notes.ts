import { textBlock } from "../block.js";
import type { Collector } from "../collector.js";
import type { Guard, OnMarkedFinding } from "../engine.js";
import { ScanError } from "../scan-error.js";
import { catObjects } from "./cat-objects.js";
import { gitOutput } from "./git-process.js";

/** A note or a tag message larger than this cannot be scanned, so the scan fails rather than skip it. */
const MAX_TEXT_BYTES = 8 * 1024 * 1024;

/**
 * The text a range's commits carry besides their own: the names and messages of the tags pointing at
 * them (pushed with `--follow-tags` or `--tags`) and their notes under every `refs/notes/*` (pushed as
 * refs of their own). Markers never count here: like commit messages, these are not code lines.
 */
export async function scanTagsAndNotes(
  guard: Guard,
  repo: string,
  commits: ReadonlySet<string>,
  out: Collector,
  report: OnMarkedFinding,
): Promise<void> {
  if (commits.size === 0) return;
  const tags = await gitOutput(repo, [
    "for-each-ref",
    "--format=%(objecttype)%09%(objectname)%09%(*objectname)%09%(refname:short)",
    "refs/tags",
  ]);
  const messages: { oid: string; commit: string; name: string }[] = [];
  for (const line of tags.split("\n")) {
    const [type, oid = "", peeled = "", name = ""] = line.split("\t");
    const commit = type === "tag" ? peeled : oid;
    if (!commits.has(commit)) continue;
    if (type === "tag") messages.push({ oid, commit, name });
    else out.add(guard.scanBlock(textBlock(name, "tag", "", commit), report));
  }

  const notesRefs = (await gitOutput(repo, ["for-each-ref", "--format=%(refname)", "refs/notes"]))
    .split("\n")
    .filter(Boolean);
  const notes: { oid: string; commit: string }[] = [];
  for (const ref of notesRefs) {
    for (const line of (await gitOutput(repo, ["notes", `--ref=${ref}`, "list"])).split("\n")) {
      const [oid = "", commit = ""] = line.split(" ");
      if (commits.has(commit)) notes.push({ oid, commit });
    }
  }

  const oids = [...messages, ...notes].map((m) => m.oid);
  const texts = (await catObjects(repo, oids, MAX_TEXT_BYTES)).map((object, i) => {
    if (!object) throw new ScanError(`the tag or note ${oids[i]} cannot be read`);
    return object.data.toString("utf8");
  });
  // One block per tag: its name on line 1, its message (after the tag object's headers) below.
  messages.forEach(({ commit, name }, i) => {
    const raw = texts[i]!;
    const split = raw.indexOf("\n\n");
    const message = split === -1 ? "" : raw.slice(split + 2);
    out.add(guard.scanBlock(textBlock(`${name}\n${message}`, "tag", "", commit), report));
  });
  notes.forEach(({ commit }, i) => {
    out.add(guard.scanBlock(textBlock(texts[messages.length + i]!, "note", "", commit), report));
  });
}
