import { createHash } from "node:crypto";
import { z } from "zod";

/** A plan posted by a plan run: its text, and the hash `approve` checks before carrying it out. */
export const PlanRecord = z.object({
  request: z.string(),
  text: z.string(),
  sha256: z.string(),
  /** The hash of the comment as posted, without its marker: an edit anywhere in it changes it. */
  shown: z.string(),
});
export type PlanRecord = z.infer<typeof PlanRecord>;

/** The hidden marker on a tracking comment: which run, which trigger it answers, and a plan if any. */
export const RunMarker = z.object({
  run: z.string(),
  trigger: z.string(),
  plan: PlanRecord.optional(),
});
export type RunMarker = z.infer<typeof RunMarker>;

const PATTERN = /<!-- patchwright:run (\{[^\n]*?\}) -->/;

export function renderMarker(marker: RunMarker): string {
  // `<` and `>` escaped, so no text inside (a plan) can close the comment or open a new one.
  const json = JSON.stringify(marker).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
  return `<!-- patchwright:run ${json} -->`;
}

export function readMarker(body: string | null | undefined): RunMarker | undefined {
  const m = PATTERN.exec(body ?? "");
  if (!m) return undefined;
  try {
    const parsed = RunMarker.safeParse(JSON.parse(m[1]!));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The plan for a comment whose visible part is `shownBody` (rendered without its marker). */
export function planRecord(request: string, text: string, shownBody: string): PlanRecord {
  return { request, text, sha256: sha256(`${request}\n\n${text}`), shown: visibleHash(shownBody) };
}

export type PlanCheck = { status: "ok"; plan: PlanRecord } | { status: "none" } | { status: "edited" };

/** The plan on a comment of ours, unless the comment or the plan changed after it was posted. */
export function checkPlan(body: string | null | undefined): PlanCheck {
  const plan = readMarker(body)?.plan;
  if (!plan) return { status: "none" };
  const intact =
    sha256(`${plan.request}\n\n${plan.text}`) === plan.sha256 && visibleHash(body ?? "") === plan.shown;
  return intact ? { status: "ok", plan } : { status: "edited" };
}

function visibleHash(body: string): string {
  return sha256(body.replace(PATTERN, "").replace(/\r\n?/g, "\n").trim());
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
