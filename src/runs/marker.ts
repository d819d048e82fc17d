import { createHash } from "node:crypto";
import { z } from "zod";
import { hiddenMarker } from "../github/markers.js";
import { planMac, planMacHolds, type PlanPlace } from "./plan-mac.js";

/** A plan posted by a plan run: its text, and what `approve` checks before carrying it out. */
export const PlanRecord = z.object({
  request: z.string(),
  text: z.string(),
  /** Unkeyed: catches a slip, not an attacker, who can recompute it. The MAC is what holds. */
  sha256: z.string(),
  /** The hash of the comment as posted, without its marker: an edit anywhere in it changes it. */
  shown: z.string(),
  /** HMAC-SHA256 over all of the above and where the plan was posted (plan-mac.ts), when a key is set. */
  mac: z.string().optional(),
});
export type PlanRecord = z.infer<typeof PlanRecord>;

/** The hidden marker on a tracking comment: which run, which trigger it answers, and a plan if any. */
export const RunMarker = z.object({
  run: z.string(),
  trigger: z.string(),
  plan: PlanRecord.optional(),
});
export type RunMarker = z.infer<typeof RunMarker>;

// Read anywhere in the body, as it always was, so every tracking comment already posted is still found.
const runMarker = hiddenMarker({
  kind: "run",
  payload: RunMarker,
  encoding: { as: "json" },
  place: "anywhere",
});

export function renderMarker(marker: RunMarker): string {
  return runMarker.render(marker);
}

export function readMarker(body: string | null | undefined): RunMarker | undefined {
  return runMarker.read(body);
}

/** The key a plan's MAC is made with, and where the plan is posted. */
export interface PlanSeal {
  key: Uint8Array;
  place: PlanPlace;
}

/**
 * The plan for a comment whose visible part is `shownBody` (rendered without its marker); with a seal,
 * MACed for that place, so only someone holding the key can write a plan `approve` accepts.
 */
export function planRecord(request: string, text: string, shownBody: string, seal?: PlanSeal): PlanRecord {
  const record = { request, text, sha256: sha256(`${request}\n\n${text}`), shown: visibleHash(shownBody) };
  return seal ? { ...record, mac: planMac(seal.key, seal.place, record) } : record;
}

export type PlanCheck =
  | { status: "ok"; plan: PlanRecord; run: string }
  | { status: "none" }
  /** The comment or its plan differs from what was posted. */
  | { status: "edited" }
  /** No MAC, or one made for other content, another place or with another key. */
  | { status: "unsealed" };

/**
 * The plan on a comment of ours, unless the comment or the plan changed after it was posted. With a key
 * (`place` less the run, which the marker names and the MAC covers), the plan must carry a MAC for this
 * place: the hashes alone are checked too, but anyone who can edit the comment can recompute them.
 */
export function checkPlan(
  body: string | null | undefined,
  seal?: { key: Uint8Array; place: Omit<PlanPlace, "run"> },
): PlanCheck {
  const marker = readMarker(body);
  const plan = marker?.plan;
  if (!marker || !plan) return { status: "none" };
  const intact =
    sha256(`${plan.request}\n\n${plan.text}`) === plan.sha256 && visibleHash(body ?? "") === plan.shown;
  if (!intact) return { status: "edited" };
  if (seal && !planMacHolds(seal.key, { ...seal.place, run: marker.run }, plan, plan.mac))
    return { status: "unsealed" };
  return { status: "ok", plan, run: marker.run };
}

function visibleHash(body: string): string {
  return sha256(runMarker.strip(body).replace(/\r\n?/g, "\n").trim());
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
