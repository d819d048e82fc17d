import type { RegexRule } from "../rule.js";
import { B64_END, END, START, prefixedToken, secretRule } from "./build.js";

/** Hosting, database and networking platforms a deploy script talks to. */
export const PLATFORM_RULES: readonly RegexRule[] = [
  // `fo1_…` personal tokens; `FlyV1 fm2_…` macaroons (several, comma-separated, each reported).
  secretRule({
    id: "flyio-access-token",
    description: "Fly.io access or deploy token",
    keywords: ["fo1_", "fm1a_", "fm1r_", "fm2_"],
    pattern: `${START}(?:fo1_[A-Za-z0-9_-]{43}${END}|fm(?:1[ar]|2)_[A-Za-z0-9+/]{100,4000}={0,3}${B64_END})`,
    minEntropy: 3.5,
  }),
  prefixedToken("render-api-key", "Render API key", ["rnd_"], "rnd_[A-Za-z0-9]{28,40}", { minEntropy: 3.5 }),
  prefixedToken("deno-deploy-token", "Deno Deploy access token", ["ddp_"], "ddp_[A-Za-z0-9]{36}", {
    minEntropy: 3.5,
  }),
  prefixedToken("scalingo-api-token", "Scalingo API token", ["tk-us-"], "tk-us-[A-Za-z0-9_-]{48}", {
    minEntropy: 3.5,
  }),
  prefixedToken("neon-api-key", "Neon API key", ["napi_"], "napi_[a-z0-9]{40,80}", { minEntropy: 3.5 }),
  // The publishable key (`sb_publishable_`) is meant for browsers; the secret key bypasses row-level security.
  prefixedToken(
    "supabase-secret-key",
    "Supabase secret API key",
    ["sb_secret_"],
    "sb_secret_[A-Za-z0-9_-]{24,64}",
    {
      minEntropy: 3.5,
    },
  ),
  prefixedToken("openshift-user-token", "OpenShift user token", ["sha256~"], "sha256~[A-Za-z0-9_-]{43}", {
    minEntropy: 3.5,
  }),
  prefixedToken(
    "tailscale-key",
    "Tailscale API, auth, OAuth client, SCIM or webhook key",
    ["tskey-"],
    "tskey-(?:api|auth|client|scim|webhook)-[A-Za-z0-9]{6,24}-[A-Za-z0-9]{20,64}",
    { minEntropy: 3.5 },
  ),
];
