// Bundles the CLI over tsc's dist/cli (run by `npm run build`, after tsc): a start-up that loads a few
// files instead of hundreds of ESM modules. Each command's module stays a chunk of its own, loaded by its
// dynamic import in cli.ts, so `scan` never loads the agent's packages. The scanning threads' script is a
// second entry, scan-thread.js beside main.js, sharing the guard's chunks: a thread starts by loading a few
// files too, not the guard's modules one by one. scan-command.ts finds it relative to itself.
import { chmodSync, readFileSync, rmSync } from "node:fs";
import process from "node:process";
import { TextDecoder } from "node:util";
import { build } from "esbuild";
import { BUNDLE_OPTIONS } from "./bundle-action.mjs";

const OUT_DIR = "dist/cli";

/**
 * The packages every scan loads, bundled. Every other package stays in node_modules, loaded when a
 * command asks for it, as tsc's output did: with splitting, esbuild hands a CommonJS package loaded by
 * `import()` over as its default export only (the model SDKs load their AWS and Google auth that way).
 */
const BUNDLED = new Set(["commander", "zod", "picomatch", "ignore"]);

// Packages a scan must never load: the agent's model SDKs, its parsers and the App's frameworks.
const AGENT_PACKAGES =
  /^(@anthropic-ai|@aws-sdk|@smithy|google-auth-library|probot|@octokit|bullmq|ioredis|better-sqlite3|web-tree-sitter|@vscode\/tree-sitter-wasm|@actions|re2js)(\/|$)/;

export const CLI_OPTIONS = {
  ...BUNDLE_OPTIONS,
  entryPoints: { main: "src/cli/main.ts", "scan-thread": "src/guard/sources/scan-thread.ts" },
  outdir: OUT_DIR,
  splitting: true,
  chunkNames: "main-[name]-[hash]",
  metafile: true,
  plugins: [onlyScanPackages(), englishOnlyZod()],
};

const packageOf = (specifier) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

function onlyScanPackages() {
  return {
    name: "only-scan-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) =>
        BUNDLED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true },
      );
    },
  };
}

/**
 * zod exports every locale (about 370 kB, a third of what a scan loads) as `z.locales`, which nothing
 * here uses: its messages stay the English it configures by default.
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

/**
 * The outputs `scan` can load: main.js's static imports, then scan-command's chunk and all it imports,
 * and the scanning threads' script with all it imports.
 */
function scanOutputs(metafile) {
  const outputs = metafile.outputs;
  const scanChunk = Object.keys(outputs).find((o) => outputs[o].entryPoint === "src/cli/scan-command.ts");
  if (!scanChunk) return [];
  const seen = new Set();
  const visit = (out, kinds) => {
    if (seen.has(out) || !outputs[out]) return;
    seen.add(out);
    for (const i of outputs[out].imports) if (kinds.includes(i.kind)) visit(i.path, kinds);
  };
  visit(`${OUT_DIR}/main.js`, ["import-statement"]);
  visit(scanChunk, ["import-statement", "dynamic-import"]);
  visit(`${OUT_DIR}/scan-thread.js`, ["import-statement", "dynamic-import"]);
  return [...seen];
}

/** One sentence for each way the bundle would break a command or slow `scan` down. */
function problems(metafile) {
  const found = [];
  const scan = scanOutputs(metafile);
  if (scan.length === 0) found.push("scan-command.ts is no longer a chunk of its own.");
  for (const out of scan) {
    const { inputs, imports } = metafile.outputs[out];
    const agent = [
      ...Object.keys(inputs).map((i) => i.split("node_modules/").at(-1)),
      ...imports.filter((i) => i.external).map((i) => i.path),
    ].find((p) => AGENT_PACKAGES.test(p));
    if (agent) found.push(`${out} loads ${agent}, which \`patchwright scan\` must never load.`);
  }
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    for (const i of imports) {
      if (i.kind === "dynamic-import" && metafile.inputs[i.path]?.format === "cjs")
        found.push(
          `${input} imports the CommonJS ${i.path} with import(), which would lose its named exports.`,
        );
    }
  }
  // Node reads every module as UTF-8, and esbuild copies some non-ASCII characters as they are (in the
  // guard's patterns: /•{3,}/): a byte sequence that is not UTF-8 would silently change what they match.
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  for (const out of Object.keys(metafile.outputs)) {
    try {
      utf8.decode(readFileSync(out));
    } catch {
      found.push(`${out} is not valid UTF-8.`);
    }
  }
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // tsc's modules of the CLI would only be dead weight beside the bundle: everything else in dist stays.
  rmSync(OUT_DIR, { recursive: true, force: true });
  const { metafile } = await build(CLI_OPTIONS);
  const found = problems(metafile);
  if (found.length > 0) {
    process.stderr.write(`bundle-cli: ${found.join(" ")}\n`);
    process.exit(1);
  }
  chmodSync(`${OUT_DIR}/main.js`, 0o755);
}
