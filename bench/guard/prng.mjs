// Seeded pseudo-random numbers (sfc32 seeded from a string hash) and helpers for random values.
// The same seed gives the same corpus on every machine and Node version: nothing here uses Math.random.

import { Buffer } from "node:buffer";

export const DIGITS = "0123456789";
export const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const LOWER = "abcdefghijklmnopqrstuvwxyz";
export const BASE62 = DIGITS + UPPER + LOWER;
export const ALNUM = UPPER + LOWER + DIGITS;
export const HEX = "0123456789abcdef";
export const B64 = UPPER + LOWER + DIGITS + "+/";
export const B64URL = UPPER + LOWER + DIGITS + "-_";

/** Four 32-bit seed words from any string (a small multiply-xorshift mix). */
function seedWords(text) {
  let h1 = 1779033703,
    h2 = 3144134277,
    h3 = 1013904242,
    h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

export function createRng(seed) {
  let [a, b, c, d] = seedWords(String(seed));
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) u32();
  const float = () => u32() / 4294967296;
  const int = (n) => Math.floor(float() * n);
  const rng = {
    u32,
    float,
    /** Integer in [0, n). */
    int,
    /** Integer in [min, max]. */
    range: (min, max) => min + int(max - min + 1),
    chance: (p) => float() < p,
    pick: (list) => list[int(list.length)],
    chars(alphabet, n) {
      let out = "";
      for (let i = 0; i < n; i++) out += alphabet[int(alphabet.length)];
      return out;
    },
    hex: (n) => rng.chars(HEX, n),
    bytes(n) {
      const buf = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i += 4) {
        const v = u32();
        for (let j = 0; j < 4 && i + j < n; j++) buf[i + j] = (v >>> (8 * j)) & 0xff;
      }
      return buf;
    },
    uuid() {
      const h = rng.hex(32);
      const variant = "89ab"[int(4)];
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    gitSha: () => rng.hex(40),
    /** Picks from [[item, weight], ...]. */
    weighted(entries) {
      const total = entries.reduce((s, [, w]) => s + w, 0);
      let r = float() * total;
      for (const [item, w] of entries) if ((r -= w) < 0) return item;
      return entries[entries.length - 1][0];
    },
    shuffle(list) {
      for (let i = list.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [list[i], list[j]] = [list[j], list[i]];
      }
      return list;
    },
  };
  return rng;
}
