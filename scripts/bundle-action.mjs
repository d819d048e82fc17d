// Bundles the Action into one committed file (bundle/action.js): GitHub runs actions straight from the
// repository, without installing dependencies. No source map is written, so no source can leak through one.
import process from "node:process";
import { build } from "esbuild";

export const BUNDLE_OPTIONS = {
  entryPoints: ["src/action/index.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const outfile = process.argv[2] ?? "bundle/action.js";
  await build({ ...BUNDLE_OPTIONS, outfile });
}
