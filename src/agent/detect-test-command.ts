import { readConfinedFile } from "../guard/sources/read-confined.js";

const NPM_PLACEHOLDER = /no test specified/;
/** A manifest bigger than this is not one a person wrote: it declares nothing. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * The command that runs a repository's tests, from what it declares: package.json's test script, a
 * Makefile `test` target, pyproject.toml, go.mod or Cargo.toml. Undefined when none is declared: the run
 * then says its work could not be verified, instead of guessing.
 */
export async function detectTestCommand(root: string): Promise<string | undefined> {
  // Regular files inside the tree only: a manifest that is a link out, a FIFO or huge declares nothing.
  const read = async (name: string): Promise<string | undefined> => {
    const file = await readConfinedFile(root, name, { maxBytes: MAX_MANIFEST_BYTES });
    return file.ok ? file.text : undefined;
  };

  const pkg = await read("package.json");
  if (pkg !== undefined) {
    try {
      const test = (JSON.parse(pkg) as { scripts?: Record<string, unknown> }).scripts?.["test"];
      if (typeof test === "string" && test.trim() && !NPM_PLACEHOLDER.test(test)) return "npm test";
    } catch {
      // An unreadable package.json declares nothing.
    }
  }
  const makefile = (await read("Makefile")) ?? (await read("makefile"));
  if (makefile !== undefined && /^test\s*:/m.test(makefile)) return "make test";
  const pyproject = await read("pyproject.toml");
  if (pyproject !== undefined && /pytest/.test(pyproject)) return "python -m pytest";
  if ((await read("go.mod")) !== undefined) return "go test ./...";
  if ((await read("Cargo.toml")) !== undefined) return "cargo test";
  return undefined;
}
