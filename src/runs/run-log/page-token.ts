import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/**
 * A run page's capability token: HMAC-SHA256 of the run id under a key of the server's (256 bits,
 * base64url). Derived, not stored, so every process that holds the key (the front door writing the
 * tracking comment, the executor editing it, the server checking a visit) agrees without sharing state,
 * and the run store's file opens no page. The page still expires with the run's record.
 */
export function pageToken(key: Uint8Array, runId: string): string {
  return createHmac("sha256", key).update(`patchwright-run-page/1\n${runId}`).digest("base64url");
}

/** Whether `given` is the run's token, compared in constant time whatever its length. */
export function pageTokenMatches(key: Uint8Array, runId: string, given: string): boolean {
  const hash = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(hash(pageToken(key, runId)), hash(given));
}

/** The page key, from the key the App already keeps for plans (read-app-env.ts): nothing more to set up. */
export function derivePageKey(planKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", planKey, "patchwright run page", "v1", 32));
}

/** The page's address: `publicUrl` (PATCHWRIGHT_PUBLIC_URL) with the run's path and token. */
export function runPageUrl(publicUrl: string, key: Uint8Array, runId: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/runs/${encodeURIComponent(runId)}?t=${pageToken(key, runId)}`;
}
