import { hasValidCrc32Suffix } from "../../checksum.js";
import { decodeBase64 } from "./build.js";

/**
 * The stateless form GitHub issues installation tokens in since 2026 (`GITHUB_TOKEN` included):
 * `ghs_<app id>_<JWT>`, some 520 characters. The JWT is three base64url segments (`-` and `_` included,
 * though GitHub's own suggested pattern leaves `-` out) joined by dots; its header is JSON, so it starts
 * with `eyJ`. The app id is optional here, in case the announced user-to-server form has none.
 */
export const STATELESS_BODY =
  "(?:[0-9]{1,12}_)?eyJ[A-Za-z0-9_-]{8,1000}\\.[A-Za-z0-9_-]{8,4000}\\.[A-Za-z0-9_-]{32,1000}";

const CLASSIC = /^gh[pousr]_[A-Za-z0-9]{36}$/;
const STATELESS = /^gh[su]_(?:([0-9]{1,12})_)?(eyJ[^.]+)\.([^.]+)\.([^.]+)$/;

/**
 * Whether a `gh?_` value could have been issued: the classic 36 characters must end in the CRC32 of the
 * first 30; the stateless form needs an app id without a leading zero, a JWT header that is a JSON object
 * naming its algorithm, and a payload that is a JSON object. Its signature cannot be checked offline.
 */
export function isIssuableGithubToken(token: string): boolean {
  if (CLASSIC.test(token)) return hasValidCrc32Suffix(token);
  const m = STATELESS.exec(token);
  if (!m) return false;
  const [, appId, header = "", payload = ""] = m;
  if (appId !== undefined && appId.startsWith("0")) return false;
  const head = jsonObject(header);
  return typeof head?.["alg"] === "string" && jsonObject(payload) !== undefined;
}

/** A GitHub-shaped value (either form): the generic rules leave it to the GitHub rules' validation. */
export function looksLikeGithubToken(value: string): boolean {
  return CLASSIC.test(value) || STATELESS.test(value);
}

function jsonObject(segment: string): Record<string, unknown> | undefined {
  // base64url has no padding, and a length of 1 mod 4 is not an encoding of anything.
  if (segment.length % 4 === 1) return undefined;
  try {
    const value: unknown = JSON.parse(decodeBase64(segment)?.toString("utf8") ?? "");
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
