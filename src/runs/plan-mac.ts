import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/**
 * Where a plan was posted. A MAC made for one place does not hold in another, so a plan (text and MAC
 * together) pasted into a comment on another thread, or into another of our comments, is not approved.
 */
export interface PlanPlace {
  owner: string;
  repo: string;
  /** The issue or pull request. */
  thread: number;
  /** The comment the plan was posted in (ids are unique across GitHub, so this also pins the repository). */
  commentId: number;
  /** The run that wrote the plan. */
  run: string;
}

/** What a plan MAC covers besides its place: what was asked, the plan, and the hash of the comment shown. */
export interface PlanContent {
  request: string;
  text: string;
  shown: string;
}

/** The material a key is derived from: a secret set for this purpose, or the GitHub App's private key. */
export type PlanKeySource = "plan-secret" | "app-private-key";

/** The least length of a plan secret someone sets: shorter ones may be guessed. */
export const MIN_PLAN_SECRET_LENGTH = 32;

/**
 * A 32-byte HMAC key from `material` (HKDF-SHA256). The source is in the derivation, so the App's private
 * key and a plan secret never give the same key, and the key says nothing of the material it came from.
 */
export function derivePlanKey(material: string | Uint8Array, source: PlanKeySource): Buffer {
  return Buffer.from(hkdfSync("sha256", material, "patchwright plan approval", `v1 ${source}`, 32));
}

/** HMAC-SHA256 over the plan and its place, hex. */
export function planMac(key: Uint8Array, place: PlanPlace, content: PlanContent): string {
  // One JSON array: no two different inputs give the same bytes (no ambiguous concatenation).
  const input = JSON.stringify([
    "patchwright-plan/1",
    place.owner.toLowerCase(),
    place.repo.toLowerCase(),
    place.thread,
    place.commentId,
    place.run,
    content.request,
    content.text,
    content.shown,
  ]);
  return createHmac("sha256", key).update(input).digest("hex");
}

/** Whether `mac` is the plan's MAC for this place, compared in constant time. */
export function planMacHolds(
  key: Uint8Array,
  place: PlanPlace,
  content: PlanContent,
  mac: string | undefined,
): boolean {
  if (mac === undefined) return false;
  const want = Buffer.from(planMac(key, place, content), "utf8");
  const got = Buffer.from(mac, "utf8");
  return got.length === want.length && timingSafeEqual(got, want);
}
