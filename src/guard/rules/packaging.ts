import { defineRule, type RegexRule } from "./rule.js";

const ENV_EXAMPLES = ["example", "sample", "template", "dist", "defaults", "schema"].flatMap((w) => [
  `**/.env.${w}`,
  `**/.env.*.${w}`,
  `**/.env.${w}.*`,
]);

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
  defineRule({
    id: "env-file",
    description: "Environment file with a value (.env files hold local secrets and must not ship)",
    category: "packaging",
    keywords: [],
    paths: ["**/.env", "**/.env.*"],
    notPaths: ENV_EXAMPLES,
    pattern:
      /^[ \t]{0,16}(?:export[ \t]{1,8})?[A-Za-z_][A-Za-z0-9_.-]{0,127}[ \t]{0,8}=[ \t]{0,8}(?<secret>[^\s#][^\r\n]{0,1023})/gm,
  }),
];

/** Binary key stores are caught by name: their contents cannot be read as text. */
export const KEY_STORE_FILE = {
  id: "key-store-file",
  description: "Key store file (private keys)",
  globs: ["**/*.p12", "**/*.pfx", "**/*.jks", "**/*.keystore", "**/*.bcfks"],
} as const;
