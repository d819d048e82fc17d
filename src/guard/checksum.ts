import { crc32 } from "node:zlib";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function base62Encode(n: number, width: number): string {
  let out = "";
  let rest = n;
  do {
    out = BASE62[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return out.padStart(width, "0");
}

function base62Decode(s: string): number {
  let n = 0;
  for (const ch of s) {
    const d = BASE62.indexOf(ch);
    if (d < 0) return -1;
    n = n * 62 + d;
  }
  return n;
}

/**
 * GitHub (`ghp_` and siblings, since 2021) and npm (`npm_`) tokens end in the base62 CRC32 of their
 * 30-character random part. A value whose checksum does not match was never issued, so it is not a finding.
 */
export function hasValidCrc32Suffix(token: string): boolean {
  const underscore = token.indexOf("_");
  const body = token.slice(underscore + 1);
  if (body.length !== 36) return false;
  return base62Decode(body.slice(30)) === crc32(body.slice(0, 30));
}

/** Builds a well-formed token with a valid checksum from a 30-character random part (tests and the bench). */
export function withCrc32Suffix(prefix: string, random30: string): string {
  return `${prefix}${random30}${base62Encode(crc32(random30), 6)}`;
}
