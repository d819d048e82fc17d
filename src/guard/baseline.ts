import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ScanError } from "./scan-error.js";

/**
 * A baseline lists accepted findings by fingerprint. It may be a previous JSON report of
 * `patchwright scan --format json` (the usual way to make one), `{"fingerprints": [...]}` or a plain array.
 */
const Baseline = z.union([
  z
    .object({ findings: z.array(z.object({ fingerprint: z.string() })) })
    .transform((b) => b.findings.map((f) => f.fingerprint)),
  z.object({ fingerprints: z.array(z.string()) }).transform((b) => b.fingerprints),
  z.array(z.string()),
]);

export async function loadBaseline(path: string, file = path): Promise<Set<string>> {
  let raw: string;
  try {
    raw = await readFile(path, "utf8");
  } catch (err) {
    throw new ScanError(
      `cannot read the baseline ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ScanError(
      `the baseline ${file} is not JSON; make one with \`patchwright scan --format json > ${file}\``,
    );
  }
  const parsed = Baseline.safeParse(json);
  if (!parsed.success) {
    throw new ScanError(
      `the baseline ${file} holds no fingerprints; expected a JSON report of \`patchwright scan\``,
    );
  }
  return new Set(parsed.data);
}
