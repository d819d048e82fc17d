import { defineRule, type RegexRule } from "./rule.js";

/** Leaks by packaging: what a published package or a committed build output should never carry. */
export const PACKAGING_RULES: readonly RegexRule[] = [
  defineRule({
    id: "source-map-sources-content",
    description: "Source map embeds the original sources (sourcesContent)",
    category: "packaging",
    keywords: ["sourcescontent"],
    paths: ["**/*.map"],
    // The value is the start of the first embedded source, so the fingerprint survives a rebuild.
    pattern:
      /"sourcesContent"[ \t\r\n]{0,16}:[ \t\r\n]{0,16}\[[ \t\r\n]{0,16}(?:null[ \t\r\n]{0,16},[ \t\r\n]{0,16}){0,10000}"(?<secret>[^"]{1,40})/g,
    skipPlaceholders: false,
  }),
  defineRule({
    id: "inline-source-map",
    description: "Inline source map (data: URL) that can embed the original sources",
    category: "packaging",
    keywords: ["sourcemappingurl=data:"],
    pattern: /(?:\/\/|\/\*)[#@][ \t]?sourceMappingURL=data:(?<secret>[^\s'"*]{1,200})/g,
    skipPlaceholders: false,
  }),
];

/** Binary key stores are caught by name: their contents cannot be read as text. */
export const KEY_STORE_FILE = {
  id: "key-store-file",
  description: "Key store file (private keys)",
  globs: ["**/*.p12", "**/*.pfx", "**/*.jks", "**/*.keystore", "**/*.bcfks"],
} as const;

/**
 * Files meant to be committed, with no values or encrypted ones: templates (`.env.example`, `.sample`,
 * `.template`, `.dist`, `.defaults`, `.schema`) and dotenv-vault's encrypted `.env.vault`.
 */
const ENV_TEMPLATES = ["example", "sample", "template", "dist", "defaults", "schema", "vault"].flatMap(
  (w) => [`**/.env.${w}`, `**/.env.*.${w}`, `**/.env.${w}.*`],
);

/**
 * A committed dotenv file is a policy finding, one per file, whatever it holds (`NODE_ENV=production` is
 * not a leak, but the file is where local secrets go). The secret rules read its values as in any file.
 */
export const ENV_FILE = {
  id: "env-file",
  description: "A dotenv file is committed (.env files hold local settings and secrets)",
  globs: ["**/.env", "**/.env.*"],
  notGlobs: ENV_TEMPLATES,
} as const;
