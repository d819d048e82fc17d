import { z } from "zod";

export const TermHash = z
  .string()
  .regex(
    /^sha256:[A-Za-z0-9]{1,64}:[0-9a-f]{64}$/,
    "expected sha256:<salt>:<64 hex digits> (see `patchwright hash-term`)",
  );

/** The leak guard's settings: the `guard` section of `.github/patchwright.yml`, or a file given with --config. */
export const GuardConfig = z
  .object({
    /** Internal names that must never leave. Keep them out of public files: use forbiddenTermHashes there. */
    forbiddenTerms: z.array(z.string().trim().min(2)).default(() => []),
    /** Salted SHA-256 hashes of normalised terms, safe to commit. */
    forbiddenTermHashes: z.array(TermHash).default(() => []),
    /** Flag AI attribution: Co-Authored-By trailers naming an AI, "Generated with ..." footers. */
    aiAttribution: z.boolean().default(false),
    /**
     * The App's `patchwright leak guard` check run on every pull request. Here, not in the App's config
     * alone, because the guard reads this section strictly on its own (the Action, the CLI).
     */
    check: z.boolean().default(true),
    policy: z
      .object({
        /**
         * A committed dotenv file (`.env`, `.env.production`; not `.env.example` and other templates):
         * `block` reports it and stops the agent's push, `warn` reports it without blocking, `off` says
         * nothing. Whichever, the secret rules still read the file's values.
         */
        envFiles: z.enum(["block", "warn", "off"]).default("block"),
      })
      .strict()
      .default(() => ({ envFiles: "block" as const })),
    allow: z
      .object({
        /** Globs (relative to the scanned root) never scanned. */
        paths: z.array(z.string().min(1)).default(() => []),
        /** Rule ids switched off. */
        rules: z.array(z.string().min(1)).default(() => []),
        /** Regular expressions: a matched value that matches one is accepted. */
        values: z
          .array(
            z.string().refine((s) => {
              try {
                new RegExp(s);
                return true;
              } catch {
                return false;
              }
            }, "not a valid regular expression"),
          )
          .default(() => []),
      })
      .strict()
      .default(() => ({ paths: [], rules: [], values: [] })),
  })
  .strict();
export type GuardConfig = z.infer<typeof GuardConfig>;
