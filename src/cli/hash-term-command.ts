import { hashTerm } from "../guard/terms.js";
import type { CliIo } from "./io.js";

/** `patchwright hash-term WORD...`: one salted hash per term, for forbiddenTermHashes in a public config. */
export function runHashTerm(terms: string[], opts: { salt?: string }, io: CliIo): number {
  try {
    for (const term of terms) io.stdout.write(`${hashTerm(term, opts.salt)}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`patchwright: ${(err as Error).message}\n`);
    return 2;
  }
}
