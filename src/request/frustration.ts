import { FRUSTRATION_LEXICON } from "./frustration-lexicon.js";
import { mapProse } from "./map-prose.js";
import { sanitizeUserText } from "./sanitize-text.js";

/**
 * What can tell that a person is frustrated with patchwright's answers: their words, and "reverted" — a
 * commit of patchwright's on the pull request undone by someone before the request.
 */
export type FrustrationSignal = "repeated" | "not fixed" | "swearing" | "shouting" | "retry" | "reverted";

/** A thread in the order it was written: patchwright's own comments, and what people wrote. */
export type ThreadEntry = { by: "patchwright" } | { by: "person"; author: string; text: string };

export interface Frustration {
  /** The signals in the request, in FrustrationSignal order; none when nothing was noticed. */
  signals: FrustrationSignal[];
  /**
   * patchwright's rounds on the thread followed by a frustrated comment, the request included: how many
   * times in a row, or not, its answer did not help.
   */
  rounds: number;
}

const ORDER: readonly FrustrationSignal[] = [
  "repeated",
  "not fixed",
  "swearing",
  "shouting",
  "retry",
  "reverted",
];

/** The request: who wrote it, what it says, and how many of patchwright's commits were reverted before it. */
export interface FrustrationRequest {
  author: string;
  text: string;
  /** Commits of patchwright's that someone reverted on the pull request before the request; none if absent. */
  revertedOurCommits?: number;
}

/**
 * The frustration in `request`, written by `author` after `thread`. Deterministic and local: words and
 * their repetition, never a model. Only what the person says counts: code, quotes and pasted error
 * messages are not read, so a quoted "ERROR: DOES NOT WORK" is neither shouting nor a complaint. A revert
 * of patchwright's work is a signal of the request only, and like the words it needs an answer before it.
 */
export function readFrustration(thread: readonly ThreadEntry[], request: FrustrationRequest): Frustration {
  const entries: ThreadEntry[] = [...thread, { by: "person", author: request.author, text: request.text }];
  let rounds = 0;
  let signals: FrustrationSignal[] = [];
  let answered = false;
  let frustratedThisRound = false;
  const asked: string[] = [];
  for (const [i, entry] of entries.entries()) {
    if (entry.by === "patchwright") {
      answered = true;
      frustratedThisRound = false;
      continue;
    }
    const spoken = spokenText(entry.text);
    const last = i === entries.length - 1;
    const reverted = last && (request.revertedOurCommits ?? 0) > 0;
    const found = signalsIn(spoken, { answered, asked, reverted });
    if (last) signals = found;
    if (answered && found.length && !frustratedThisRound) {
      rounds++;
      frustratedThisRound = true;
    }
    asked.push(words(spoken).join(" "));
  }
  return { signals, rounds: signals.length ? rounds : 0 };
}

function signalsIn(
  spoken: string,
  before: { answered: boolean; asked: readonly string[]; reverted: boolean },
): FrustrationSignal[] {
  const said = words(spoken).join(" ");
  const found = new Set<FrustrationSignal>();
  if (before.answered && said && before.asked.includes(said) && !isRetry(said)) found.add("repeated");
  if (LEXICON.notFixed.test(said)) found.add("not fixed");
  if (LEXICON.swearing.test(said)) found.add("swearing");
  if (isShouting(spoken)) found.add("shouting");
  if (before.answered && isRetry(said)) found.add("retry");
  if (before.answered && before.reverted) found.add("reverted");
  return ORDER.filter((s) => found.has(s));
}

/** The person speaking: no code, no quotes, no mentions, no links. */
function spokenText(text: string): string {
  const clean = sanitizeUserText(text);
  const map = mapProse(clean);
  return map.prose
    .map(({ from, to }) => clean.slice(from, to))
    .join("\n")
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/(^|[^\w@])@[\w-]+(\[bot\])?/g, "$1 ");
}

/** Lower-case words, apostrophes made plain, punctuation dropped. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .split(/[^\p{L}\p{N}']+/u)
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter(Boolean);
}

const MIN_SHOUTED_LETTERS = 12;

/** Mostly capitals over enough words that it is not an acronym or a constant's name. */
function isShouting(spoken: string): boolean {
  const letters = spoken.match(/\p{L}/gu) ?? [];
  const upper = letters.filter((l) => l !== l.toLowerCase()).length;
  const lower = letters.filter((l) => l !== l.toUpperCase()).length;
  const longWords = spoken.split(/\s+/).filter((w) => (w.match(/\p{L}/gu) ?? []).length >= 2).length;
  return upper >= MIN_SHOUTED_LETTERS && longWords >= 3 && upper >= 0.8 * (upper + lower);
}

/** The request is only "again" or "continue", with politeness around it. */
function isRetry(said: string): boolean {
  let rest = ` ${said} `;
  for (const filler of LEXICON.fillers) rest = rest.replaceAll(` ${filler} `, " ");
  return LEXICON.retries.has(rest.trim());
}

const all = (pick: (w: (typeof FRUSTRATION_LEXICON)["en"]) => readonly string[]): string[] =>
  Object.values(FRUSTRATION_LEXICON).flatMap(pick);

/** Whole words, in the same form `words` gives: lower case, punctuation as single spaces. */
function wholeWords(entries: readonly string[]): RegExp {
  const alternatives = entries.map((e) => {
    const stem = words(e.replace(/\*$/, "")).join(" ");
    const escaped = stem.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return e.endsWith("*") ? `${escaped}\\p{L}*` : escaped;
  });
  return new RegExp(`(?<![\\p{L}\\p{N}'])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}'])`, "u");
}

const LEXICON = {
  notFixed: wholeWords(all((w) => w.notFixed)),
  swearing: wholeWords(all((w) => w.swearing)),
  retries: new Set(all((w) => w.retry).map((r) => words(r).join(" "))),
  fillers: all((w) => w.filler)
    .map((f) => words(f).join(" "))
    .sort((a, b) => b.length - a.length),
};
