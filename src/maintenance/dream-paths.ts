/**
 * The deterministic part of dreaming: which repository paths a note names, and which notes name only
 * paths the default branch no longer has. A path is a word with at least one slash, relative (not
 * `/usr/bin`, not a URL), either in backticks or ending in a file extension (`src/app.ts`); a bare word
 * like `and/or` is not one.
 */
const PATH = /^(?:[A-Za-z0-9_@.-]+\/)+[A-Za-z0-9_@.-]*$/;
const WITH_EXTENSION = /\/[^/]*[A-Za-z0-9_-]\.[A-Za-z0-9]{1,8}$/;

export function namedPaths(text: string): string[] {
  const found = new Set<string>();
  const consider = (word: string, quoted: boolean): void => {
    const candidate = word.replace(/^\.\//, "").replace(/[.,;:!?)]+$/, "");
    if (!PATH.test(candidate) || candidate.split("/").includes("..")) return;
    if (!quoted && !WITH_EXTENSION.test(`/${candidate}`)) return;
    found.add(candidate.replace(/\/$/, ""));
  };
  for (const m of text.matchAll(/`([^`\s]+)`/g)) consider(m[1]!, true);
  const unquoted = text.replace(/`[^`]*`/g, " ").replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, " ");
  for (const word of unquoted.split(/[\s("'<>[\]]+/)) if (word) consider(word, false);
  return [...found].sort();
}

/** Every file of a tree and every folder above one, so a note naming `src/` finds it. */
export function treePaths(files: readonly string[]): Set<string> {
  const all = new Set<string>();
  for (const file of files) {
    all.add(file);
    const parts = file.split("/");
    for (let i = 1; i < parts.length; i++) all.add(parts.slice(0, i).join("/"));
  }
  return all;
}

export interface StaleNote {
  path: string;
  /** The paths it names, none of which exists any more. */
  gone: string[];
}

/**
 * Notes that name repository paths and none that still exists: what they are about is gone. A note
 * naming some paths that are gone and some that are not is left to the model, told which are gone.
 */
export function staleNotes(
  notes: readonly { path: string; text: string }[],
  tree: ReadonlySet<string>,
): { stale: StaleNote[]; partly: StaleNote[] } {
  const stale: StaleNote[] = [];
  const partly: StaleNote[] = [];
  for (const note of notes) {
    const named = namedPaths(note.text);
    const gone = named.filter((p) => !tree.has(p));
    if (gone.length === 0) continue;
    (gone.length === named.length ? stale : partly).push({ path: note.path, gone });
  }
  return { stale, partly };
}
