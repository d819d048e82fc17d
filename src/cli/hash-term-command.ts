import { hashTerm, newSalt } from "../guard/terms.js";
import type { CliIo } from "./io.js";

/**
 * `patchwright hash-term WORD...`: one salted hash per term, for forbiddenTermHashes in a public config,
 * all with one salt (given, or drawn once per call).
 */
export function runHashTerm(terms: string[], opts: { salt?: string }, io: CliIo): number {
  try {
    const salt = opts.salt ?? newSalt();
    // All or nothing: a list with one unusable term is refused whole, not printed in part.
    const hashes = terms.map((term) => hashTerm(term, salt));
    for (const hash of hashes) io.stdout.write(`${hash}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`patchwright: ${(err as Error).message}\n`);
    return 2;
  }
}
