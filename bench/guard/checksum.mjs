// Base62 CRC32 suffix of GitHub (`ghp_` and siblings) and npm (`npm_`) tokens, used to build tokens with a
// valid checksum and, for negatives, tokens whose checksum is deliberately wrong. Uses the compiled
// `dist/guard/checksum.js` when it exists, else the same algorithm here (base62 0-9A-Za-z of zlib.crc32).
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL, URL } from "node:url";
import { crc32 } from "node:zlib";
import { BASE62 } from "./prng.mjs";

const DIST = fileURLToPath(new URL("../../dist/guard/checksum.js", import.meta.url));

export function base62(n, width) {
  let out = "";
  let rest = n;
  do {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return out.padStart(width, "0");
}

function localWithCrc32Suffix(prefix, random30) {
  return prefix + random30 + base62(crc32(random30), 6);
}

let impl = localWithCrc32Suffix;
export let checksumSource = "bench/guard/checksum.mjs";
if (existsSync(DIST)) {
  const mod = await import(pathToFileURL(DIST).href);
  if (typeof mod.withCrc32Suffix === "function") {
    impl = mod.withCrc32Suffix;
    checksumSource = "dist/guard/checksum.js";
  }
}

/** `prefix` + 30 random base62 chars + base62(crc32(body)) padded to 6. */
export function withCrc32Suffix(prefix, random30) {
  const token = impl(prefix, random30);
  if (token !== localWithCrc32Suffix(prefix, random30)) {
    throw new Error("dist/guard/checksum.js and the bench disagree on the token checksum");
  }
  return token;
}

/** Same shape, but the last 6 chars never equal the real checksum. */
export function withWrongSuffix(prefix, random30, rng) {
  const good = base62(crc32(random30), 6);
  let bad = good;
  while (bad === good) bad = rng.chars(BASE62, 6);
  return prefix + random30 + bad;
}
