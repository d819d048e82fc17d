import { createHash } from "node:crypto";

/** Who a repository's buddy is: the same repository always gets the same one. */
export interface Companion {
  species: string;
  name: string;
  traits: [string, string];
  art: string[];
}

// Each drawing is plain ASCII without backticks (it sits in a code block as drawn) and without `@`.
const SPECIES: readonly { species: string; art: string[] }[] = [
  { species: "cat", art: [" /\\_/\\", "( o.o )", " > ^ <"] },
  { species: "owl", art: [" ,___,", " (O,O)", " /)  )", '--"-"--'] },
  { species: "crab", art: ["(\\/)  (\\/)", "  \\_oo_/", "  /'--'\\"] },
  { species: "snail", art: ["   ____   o o", "  / __ \\   \\/", " | (__) |__//", "  \\____/___/"] },
  { species: "robot", art: ["  [o_o]", " /|___|\\", "  d   b"] },
  { species: "frog", art: ["  o..o", " (----)", "( >__< )", "^^ ~~ ^^"] },
];

const NAMES = [
  "Pip",
  "Nibbles",
  "Juniper",
  "Biscuit",
  "Mochi",
  "Pebble",
  "Ziggy",
  "Clover",
  "Sprocket",
  "Waffles",
  "Tofu",
  "Quill",
];

const TRAITS = ["curious", "tidy", "patient", "cheerful", "nitpicky", "brave", "thorough", "chatty", "calm"];

/**
 * The buddy of the repository `key` names, chosen by a hash of the key: deterministic across processes and
 * versions of Node, unlike a random pick, so it does not change between two calls.
 */
export function companionFor(key: string): Companion {
  const digest = createHash("sha256").update(key).digest();
  const pick = (offset: number, n: number) => digest.readUInt32BE(offset) % n;
  const { species, art } = SPECIES[pick(0, SPECIES.length)]!;
  const first = pick(8, TRAITS.length);
  // The second trait is one of the others: an offset of 1..n-1 from the first.
  const second = (first + 1 + pick(12, TRAITS.length - 1)) % TRAITS.length;
  return { species, name: NAMES[pick(4, NAMES.length)]!, traits: [TRAITS[first]!, TRAITS[second]!], art };
}
