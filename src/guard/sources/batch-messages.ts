import { z } from "zod";
import { Finding, SkippedFile } from "../finding.js";

// What the calling thread and the scanning threads say to each other (scan-threads.ts, scan-thread.ts).
// A scanning thread imports only the types: it does not load zod (see scan-thread.ts).

/** What each thread builds its guard from: plain data, cloned into it. */
export interface ThreadSetup {
  root: string;
  config: unknown;
  baseline: string[];
  inlineAllow: boolean;
}

/** A batch of files, relative to the root, in walk order. */
export const BatchRequest = z.object({ id: z.number().int(), paths: z.array(z.string()) });
export type BatchRequest = z.infer<typeof BatchRequest>;

export const BatchResult = z.union([
  z.object({
    id: z.number().int(),
    findings: z.array(Finding),
    advisories: z.array(Finding),
    skipped: z.array(SkippedFile),
    files: z.number(),
    bytes: z.number(),
  }),
  z.object({ id: z.number().int(), error: z.string() }),
]);
export type BatchResult = z.infer<typeof BatchResult>;
