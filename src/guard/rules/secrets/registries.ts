import { hasValidCrc32Suffix } from "../../checksum.js";
import type { RegexRule } from "../rule.js";
import { ASSIGN, decodeBase64, prefixedToken, secretRule } from "./build.js";

/** A docker `"auth"` value is base64 of `user:password`: printable, with a colon after a non-empty user. */
function isBasicAuthPair(value: string): boolean {
  const decoded = decodeBase64(value)?.toString("latin1");
  if (!decoded) return false;
  const colon = decoded.indexOf(":");
  return colon > 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded);
}

export const REGISTRY_RULES: readonly RegexRule[] = [
  prefixedToken("npm-access-token", "npm access token", ["npm_"], "npm_[A-Za-z0-9]{36}", {
    validate: hasValidCrc32Suffix,
    confidence: "high",
  }),
  // A PyPI token is a macaroon: base64url of a header naming pypi.org or test.pypi.org.
  prefixedToken(
    "pypi-upload-token",
    "PyPI upload token",
    ["pypi-age"],
    "pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}",
    { confidence: "high" },
  ),
  prefixedToken("rubygems-api-key", "RubyGems API key", ["rubygems_"], "rubygems_[0-9a-f]{48}"),
  prefixedToken("nuget-api-key", "NuGet API key", ["oy2"], "oy2[a-z0-9]{43}", { minEntropy: 3.5 }),
  prefixedToken(
    "docker-hub-token",
    "Docker Hub personal or organization access token",
    ["dckr_pat_", "dckr_oat_"],
    "dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,40}",
    { minEntropy: 3.5 },
  ),
  secretRule({
    id: "docker-config-auth",
    description: "Registry credentials in a Docker config.json `auth` entry",
    keywords: ['"auth"'],
    pattern: `"auth"\\s{0,3}:\\s{0,3}"(?<secret>[A-Za-z0-9+/]{12,1000}={0,2})"`,
    validate: isBasicAuthPair,
  }),
  prefixedToken("jfrog-api-key", "JFrog Artifactory API key", ["akcp"], "AKCp[A-Za-z0-9]{64,76}", {
    minEntropy: 3.5,
  }),
  // Base64 of "reftkn:01:" followed by a digit.
  prefixedToken(
    "jfrog-identity-token",
    "JFrog identity or reference token",
    ["cmvmdgtu"],
    "cmVmdGtuOjAxOj[A-Za-z0-9]{40,80}",
  ),
  // Sidekiq Pro/Enterprise: `user:password` (8 hex each) for the gem server, in Bundler's environment
  // variable or in a source URL.
  secretRule({
    id: "sidekiq-gem-credentials",
    description: "Sidekiq Pro/Enterprise gem server credentials",
    keywords: ["contribsys"],
    pattern:
      `(?:BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM${ASSIGN}|//)(?<secret>[0-9a-f]{8}:[0-9a-f]{8})` +
      "(?=@(?:gems|enterprise)\\.contribsys\\.com|[\"'\\s]|$)",
    flags: "i",
    minEntropy: 2.5,
  }),
  prefixedToken("crates-io-token", "crates.io API token", ["cio"], "cio[A-Za-z0-9]{32}", { minEntropy: 3.5 }),
  prefixedToken("clojars-deploy-token", "Clojars deploy token", ["clojars_"], "CLOJARS_[a-z0-9]{60}", {
    minEntropy: 3.5,
  }),
];
