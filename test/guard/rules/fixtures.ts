import { withCrc32Suffix } from "../../../src/guard/checksum.js";
import { GuardConfig } from "../../../src/guard/config.js";
import { textBlock } from "../../../src/guard/block.js";
import { Guard } from "../../../src/guard/engine.js";
import type { Finding } from "../../../src/guard/finding.js";
import type { RegexRule } from "../../../src/guard/rules/rule.js";

// Nothing here is a literal secret: every secret-looking value is assembled at run time from a seeded PRNG,
// so this repository can scan itself with the same rules.

export const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const LOWER = "abcdefghijklmnopqrstuvwxyz";
export const DIGITS = "0123456789";
export const ALNUM = UPPER + LOWER + DIGITS;
export const HEX = "0123456789abcdef";
export const B64 = ALNUM + "+/";
export const B64URL = ALNUM + "-_";

/** mulberry32: small, seedable, good enough for test data. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  str(length: number, alphabet = ALNUM): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  hex(length: number): string {
    return this.str(length, HEX);
  }

  digits(length: number): string {
    return this.str(1, "123456789") + this.str(length - 1, DIGITS);
  }

  uuid(): string {
    return [this.hex(8), this.hex(4), "4" + this.hex(3), "a" + this.hex(3), this.hex(12)].join("-");
  }
}

export function base64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

/** Lines of base64 the way PEM and PGP armor wrap them. */
export function armorBody(r: Random, chars: number, width = 64, eol = "\n"): string {
  const body = r.str(chars, B64);
  const lines: string[] = [];
  for (let i = 0; i < body.length; i += width) lines.push(body.slice(i, i + width));
  return lines.join(eol);
}

/** Concatenated at run time so no file holds the literal armor line of a key block. */
export function armor(kind: string, edge: "BEGIN" | "END"): string {
  return `-----${edge} ${kind} ${"PRIVATE"} KEY-----`.replace("  ", " ");
}

export interface Case {
  id: string;
  text: string;
  path: string;
  line: number;
  column: number;
  /** Other rules that rightly report another secret in the same text. */
  also?: string[];
}

/** `template` marks where the finding must point with `§`. */
export function tp(id: string, template: string, path = "src/app.ts", also?: string[]): Case {
  const at = template.indexOf("§");
  if (at < 0 || template.indexOf("§", at + 1) >= 0) throw new Error(`case ${id}: need exactly one § marker`);
  const before = template.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  return { id, text: before + template.slice(at + 1), path, line, column, ...(also ? { also } : {}) };
}

export function scan(rules: readonly RegexRule[], text: string, path = "src/app.ts"): Finding[] {
  return new Guard(rules, GuardConfig.parse({})).scanBlock(textBlock(text, "file", path));
}

/** GitHub and npm tokens with a valid CRC32 tail. */
export function checksummed(r: Random, prefix: string): string {
  return withCrc32Suffix(prefix, r.str(30));
}

/** Prefixes split so that no source line holds a whole token prefix next to a body. */
export const P = {
  ghp: "gh" + "p_",
  gho: "gh" + "o_",
  ghu: "gh" + "u_",
  ghs: "gh" + "s_",
  ghr: "gh" + "r_",
  npm: "np" + "m_",
};
