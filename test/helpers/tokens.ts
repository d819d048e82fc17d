import { withCrc32Suffix } from "../../src/guard/checksum.js";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A deterministic generator, so a failing case can be reproduced. */
export function prng(seed = 42): (n: number, alphabet?: string) => string {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (n, alphabet = ALNUM) =>
    Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
}

// Secret-looking values are assembled at run time: a literal one in this file would trip the
// repository's own leak guard, which scans the tests too.
export function githubToken(rand: (n: number) => string, prefix = "ghp"): string {
  return withCrc32Suffix(`${prefix}_`, rand(30));
}

export function npmToken(rand: (n: number) => string): string {
  return withCrc32Suffix(["npm", ""].join("_"), rand(30));
}
