/**
 * Dreaming's consolidation of the memory notes, held in a BranchMemoryStore (nothing is committed here).
 * Deterministic: a note naming only repository paths the default branch no longer has is removed; a
 * model proposal is applied only when it names notes the model was shown whole, each once, and a note is
 * removed as contradicted only by one changed later on the branch; over the index's cap, the notes the
 * index would not show are folded into one archive note. The model decides which notes are duplicates
 * and which contradict each other (dream-plan.ts).
 */
import type { Usage } from "../agent/model-types.js";
import { MAX_NOTE_CHARS, NOTES_INDEX_MAX_ENTRIES, type BranchMemoryStore } from "../memory/memory-store.js";
import { staleNotes } from "./dream-paths.js";
import type { NoteForPlan, PlanAnswer } from "./dream-plan.js";

/** Where notes over the index's cap are folded. */
export const ARCHIVE_NOTE = "archive.md";
/** The most note text sent to the model in one run. */
const MAX_PROMPT_CHARS = 200_000;

export interface ConsolidateInput {
  store: BranchMemoryStore;
  /** Every file and folder of the default branch's tree. */
  tree: ReadonlySet<string>;
  /** When each note last changed on the branch (ISO), from its history. */
  changedAt: ReadonlyMap<string, string>;
  defaultBranch: string;
  ask: (notes: NoteForPlan[], maxNotes: number) => Promise<PlanAnswer>;
}

export interface Consolidation {
  /** One line per change made, for the commit message and the report. */
  changelog: string[];
  /** What was not done and why (a refused proposal, notes not shown to the model), one sentence each. */
  notes: string[];
  usage?: Usage;
}

export async function consolidateNotes(input: ConsolidateInput): Promise<Consolidation> {
  const { store } = input;
  const maxNotes = NOTES_INDEX_MAX_ENTRIES;
  const changelog: string[] = [];
  const notes: string[] = [];
  const texts = new Map<string, string>();
  for (const { path } of await store.list("")) {
    if (!path.endsWith(".md")) continue;
    const text = await store.read(path).catch(() => undefined);
    if (text === undefined) notes.push(`\`${path}\` could not be read, so it was left alone.`);
    else texts.set(path, text);
  }

  const all = [...texts].map(([path, text]) => ({ path, text }));
  const { stale, partly } = staleNotes(all, input.tree);
  for (const note of stale) {
    await store.remove(note.path);
    texts.delete(note.path);
    changelog.push(
      `removed \`${note.path}\`: it names ${list(note.gone)}, which \`${input.defaultBranch}\` no longer has`,
    );
  }

  let usage: Usage | undefined;
  if (texts.size >= 2) {
    const gone = new Map(partly.map((n) => [n.path, n.gone]));
    const shown: NoteForPlan[] = [];
    let budget = MAX_PROMPT_CHARS;
    for (const [path, text] of texts) {
      if (text.length > budget) continue;
      budget -= text.length;
      shown.push({ path, text, changed: input.changedAt.get(path) ?? "unknown", gone: gone.get(path) ?? [] });
    }
    if (shown.length < texts.size)
      notes.push(
        `${texts.size - shown.length} note(s) were not shown to the model: together the notes are over ` +
          `${MAX_PROMPT_CHARS} characters.`,
      );
    const answer = await input.ask(shown, maxNotes);
    usage = answer.usage;
    if (answer.problem) notes.push(`No note was merged or removed by judgement: ${answer.problem}.`);
    await applyPlan(input, answer, new Set(shown.map((n) => n.path)), texts, changelog, notes);
  }

  await foldOverflow(store, maxNotes, changelog, notes);
  return { changelog, notes, ...(usage ? { usage } : {}) };
}

async function applyPlan(
  input: ConsolidateInput,
  { plan }: PlanAnswer,
  shown: ReadonlySet<string>,
  texts: Map<string, string>,
  changelog: string[],
  notes: string[],
): Promise<void> {
  const { store } = input;
  const used = new Set<string>();
  const refuse = (what: string, why: string): void => {
    notes.push(`The model's proposal to ${what} was not applied: ${why}.`);
  };
  for (const merge of plan.merges) {
    const into = notePath(merge.into);
    const from = [...new Set(merge.from.map(notePath))];
    const what = `merge ${list(from)} into \`${into}\``;
    const named = [into, ...from];
    const unknown = named.filter((p) => !shown.has(p));
    if (unknown.length)
      refuse(what, `${list(unknown)} ${unknown.length === 1 ? "is" : "are"} not a note it was shown`);
    else if (from.includes(into)) refuse(what, "a note cannot be merged into itself");
    else if (named.some((p) => used.has(p))) refuse(what, "a note it names was already changed this run");
    else if (merge.text.length > MAX_NOTE_CHARS)
      refuse(what, `the merged note is over ${MAX_NOTE_CHARS} characters`);
    else {
      await store.write(into, merge.text.endsWith("\n") ? merge.text : `${merge.text}\n`);
      for (const p of from) {
        await store.remove(p);
        texts.delete(p);
      }
      named.forEach((p) => used.add(p));
      changelog.push(`merged ${list(from)} into \`${into}\`: ${oneLine(merge.why)}`);
    }
  }
  for (const removal of plan.removals) {
    const path = notePath(removal.path);
    const newer = notePath(removal.supersededBy);
    const what = `remove \`${path}\` as contradicted by \`${newer}\``;
    // By instant, not by text: git writes each commit's time with its own offset.
    const when = (p: string): number => Date.parse(input.changedAt.get(p) ?? "");
    if (!shown.has(path)) refuse(what, `\`${path}\` is not a note it was shown`);
    else if (used.has(path)) refuse(what, `\`${path}\` was already changed this run`);
    else if (!texts.has(newer) || path === newer)
      refuse(what, `\`${newer}\` is not another note that is kept`);
    else if (!(when(newer) > when(path)))
      refuse(what, `\`${newer}\` did not change after \`${path}\`, so it is not the newer note`);
    else {
      await store.remove(path);
      texts.delete(path);
      used.add(path);
      changelog.push(`removed \`${path}\`: contradicted by the newer \`${newer}\`: ${oneLine(removal.why)}`);
    }
  }
}

/** Over the cap, the notes the index would not show (the last by path) go into one archive note. */
async function foldOverflow(
  store: BranchMemoryStore,
  maxNotes: number,
  changelog: string[],
  notes: string[],
): Promise<void> {
  const all = (await store.list("")).map((l) => l.path).filter((p) => p.endsWith(".md"));
  if (all.length <= maxNotes) return;
  const others = all.filter((p) => p !== ARCHIVE_NOTE);
  let archive =
    (await store.read(ARCHIVE_NOTE).catch(() => undefined)) ??
    "# Archive\n\nNotes folded here by dreaming to keep the notes index short.\n";
  const folded: string[] = [];
  for (const path of others.slice(maxNotes - 1)) {
    const text = await store.read(path).catch(() => undefined);
    if (text === undefined) continue;
    const section = `\n## ${path}\n\n${text.trimEnd()}\n`;
    if (archive.length + section.length > MAX_NOTE_CHARS) break;
    archive += section;
    folded.push(path);
  }
  if (folded.length) {
    await store.write(ARCHIVE_NOTE, archive);
    for (const path of folded) await store.remove(path);
    changelog.push(
      `folded ${folded.length} note(s) into \`${ARCHIVE_NOTE}\` to keep the notes index at ${maxNotes}: ${list(folded)}`,
    );
  }
  const left = (await store.list("")).filter((l) => l.path.endsWith(".md")).length;
  if (left > maxNotes)
    notes.push(
      `There are still ${left} notes, over the ${maxNotes} the index shows: \`${ARCHIVE_NOTE}\` is full; ` +
        "merge or delete some notes on the memory branch.",
    );
}

/** The model may answer `/memories/x.md` or `x.md`. */
function notePath(raw: string): string {
  return raw.replace(/^\/memories\//, "");
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function list(paths: readonly string[]): string {
  const shown = paths.slice(0, 10).map((p) => `\`${p}\``);
  return paths.length > 10 ? `${shown.join(", ")} and ${paths.length - 10} more` : shown.join(", ");
}
