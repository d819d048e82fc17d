import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { renderRepoConfigJsonSchema } from "./json-schema.js";

/** The committed file, relative to this module in src/config/ or dist/config/. */
export const SCHEMA_FILE = fileURLToPath(new URL("../../schema/patchwright.schema.json", import.meta.url));

/**
 * The committed file's exact text: the 2-space JSON, laid out as the repository's prettier settings would
 * (short arrays on one line), so `prettier --check .` passes on it. prettier is a development dependency,
 * loaded only here, never by the CLI.
 */
export async function schemaFileText(): Promise<string> {
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(SCHEMA_FILE)) ?? {};
  return prettier.format(renderRepoConfigJsonSchema(), { ...options, filepath: SCHEMA_FILE });
}

async function main(): Promise<void> {
  await mkdir(dirname(SCHEMA_FILE), { recursive: true });
  await writeFile(SCHEMA_FILE, await schemaFileText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}

// `npm run schema` runs this file; tests import it for schemaFileText() and must not write anything.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
