import { z } from "zod";

/** The hidden marker on a tracking comment: which run, and which trigger it answers. */
export const RunMarker = z.object({ run: z.string(), trigger: z.string() });
export type RunMarker = z.infer<typeof RunMarker>;

const PATTERN = /<!-- patchwright:run (\{[^\n]*?\}) -->/;

export function renderMarker(marker: RunMarker): string {
  // JSON.stringify cannot produce "-->", and both fields are ours, so the comment stays closed.
  return `<!-- patchwright:run ${JSON.stringify(marker)} -->`;
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
