// Bundles the CLI over tsc's dist/cli (run by `npm run build`, after tsc): a start-up that loads one file
// and a few chunks instead of hundreds of ESM modules. Each command's module stays a chunk of its own,
// loaded by its dynamic import in cli.ts, so `scan` never loads the agent's packages. The chunks sit
// directly in dist/cli: scan-command.ts finds tsc's dist/guard/sources/scan-thread.js relative to itself.
import { chmodSync, readFileSync, rmSync } from "node:fs";
import process from "node:process";
import { TextDecoder } from "node:util";
import { build } from "esbuild";
import { BUNDLE_OPTIONS } from "./bundle-action.mjs";

const OUT_DIR = "dist/cli";

// Packages a scan must never load: the agent's model SDKs, its parsers and the App's frameworks.
const AGENT_PACKAGES =
  /node_modules\/(@anthropic-ai|@aws-sdk|@smithy|google-auth-library|probot|@octokit|bullmq|ioredis|better-sqlite3|web-tree-sitter|@vscode\/tree-sitter-wasm|@actions)\//;

export const CLI_OPTIONS = {
  ...BUNDLE_OPTIONS,
  entryPoints: { main: "src/cli/main.ts" },
  outdir: OUT_DIR,
  splitting: true,
  chunkNames: "main-[name]-[hash]",
  // Native: loads its compiled addon from beside its own files, so it stays in node_modules.
  external: ["better-sqlite3"],
  metafile: true,
  plugins: [englishOnlyZod()],
};

/**
 * zod exports every locale (about 370 kB, a third of what a scan loads) as
 * `z.locales`, which nothing here uses: its messages stay the English it configures by default.
 */
function englishOnlyZod() {
  return {
    name: "english-only-zod",
    setup(b) {
      b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        /node_modules\/zod\/v4\/(classic|core)\//.test(args.importer)
          ? { path: "zod-locales-en", namespace: "english-only-zod" }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: "english-only-zod" }, () => ({
        contents: 'export { default as en } from "zod/v4/locales/en.js";',
        resolveDir: process.cwd(),
        loader: "js",
      }));
    },
  };
}

/** The outputs `scan` can load: main.js's static imports, then scan-command's chunk and all it imports. */
function scanOutputs(metafile) {
  const outputs = metafile.outputs;
  const scanChunk = Object.keys(outputs).find((o) => outputs[o].entryPoint === "src/cli/scan-command.ts");
  if (!scanChunk) throw new Error("bundle-cli: scan-command.ts is no longer a chunk of its own");
  const seen = new Set();
  const visit = (out, kinds) => {
    if (seen.has(out) || !outputs[out]) return;
    seen.add(out);
    for (const i of outputs[out].imports) if (kinds.includes(i.kind)) visit(i.path, kinds);
  };
  visit(`${OUT_DIR}/main.js`, ["import-statement"]);
  visit(scanChunk, ["import-statement", "dynamic-import"]);
  return [...seen];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // tsc's modules of the CLI would only be dead weight beside the bundle: everything else in dist stays.
  rmSync(OUT_DIR, { recursive: true, force: true });
  const { metafile } = await build(CLI_OPTIONS);
  const failures = [];
  for (const out of scanOutputs(metafile)) {
    const agent = Object.keys(metafile.outputs[out].inputs).find((i) => AGENT_PACKAGES.test(i));
    if (agent) failures.push(`${out} holds ${agent}, which \`patchwright scan\` must never load.`);
  }
  // Node reads every module as UTF-8, and esbuild copies some non-ASCII characters as they are (in the
  // guard's patterns: /•{3,}/): a byte sequence that is not UTF-8 would silently change what they match.
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  for (const out of Object.keys(metafile.outputs)) {
    try {
      utf8.decode(readFileSync(out));
    } catch {
      failures.push(`${out} is not valid UTF-8.`);
    }
  }
  if (failures.length > 0) {
    process.stderr.write(`bundle-cli: ${failures.join(" ")}\n`);
    process.exit(1);
  }
  chmodSync(`${OUT_DIR}/main.js`, 0o755);
}
