import type { RegexRule } from "../rule.js";
import { ASSIGN, B64_END, B64_START, END, START, decodeBase64, prefixedToken, secretRule } from "./build.js";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const HEX_END = "(?![0-9A-Za-z])";

export const SAAS_RULES: readonly RegexRule[] = [
  // Twilio auth tokens (32 hex) and API key secrets (32 alphanumerics) have nothing distinctive: only the
  // variable name makes them recognisable.
  secretRule({
    id: "twilio-auth-token",
    description: "Twilio auth token or API key secret",
    keywords: ["twilio"],
    pattern:
      "twilio[_.-]?(?:auth[_.-]?token|(?:api[_.-]?(?:key[_.-]?)?)?secret)" +
      `${ASSIGN}(?<secret>[0-9a-f]{32}|[A-Za-z0-9]{32})${HEX_END}`,
    flags: "i",
    minEntropy: 3,
  }),
  secretRule({
    id: "datadog-api-key",
    description: "Datadog API or application key",
    keywords: ["dd_api_key", "dd_app_key", "dd_application_key", "dd-api-key", "dd-app-key", "datadog"],
    pattern: `(?:dd|datadog)[_.-]?(?:api|app(?:lication)?)[_.-]?key${ASSIGN}(?<secret>[0-9a-f]{40}${HEX_END}|[0-9a-f]{32}${HEX_END})`,
    flags: "i",
    minEntropy: 3,
  }),
  prefixedToken("linear-api-key", "Linear API key", ["lin_api_"], "lin_api_[A-Za-z0-9]{40}"),
  // `ATATT3…` user API tokens, `ATCTT3…` repository, project and workspace access tokens.
  prefixedToken(
    "atlassian-api-token",
    "Atlassian (Jira, Confluence, Bitbucket) API or access token",
    ["atatt3", "atctt3"],
    "AT[AC]TT3[A-Za-z0-9_-]{100,300}=[0-9A-F]{8}",
  ),
  prefixedToken("new-relic-user-api-key", "New Relic user API key", ["nrak-"], "NRAK-[A-Z0-9]{27}"),
  prefixedToken(
    "new-relic-insert-key",
    "New Relic Insights insert or query key",
    ["nrii-", "nriq-"],
    "NRI[IQ]-[A-Za-z0-9_-]{32}",
  ),
  secretRule({
    id: "new-relic-license-key",
    description: "New Relic ingest license key",
    keywords: ["nral"],
    pattern: `${START}(?:eu01xx[0-9a-f]{30}|[0-9a-f]{36})NRAL${END}`,
  }),
  prefixedToken("sentry-user-token", "Sentry user auth token", ["sntryu_"], "sntryu_[0-9a-f]{64}"),
  secretRule({
    id: "sentry-org-token",
    description: "Sentry organization auth token",
    keywords: ["sntrys_"],
    pattern: `${START}sntrys_eyJ[A-Za-z0-9+/=]{50,600}_[A-Za-z0-9+/]{43}${B64_END}`,
  }),
  prefixedToken(
    "grafana-service-account-token",
    "Grafana service account token",
    ["glsa_"],
    "glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}",
  ),
  // Legacy API keys: base64 of `{"k":"…","n":"<name>","id":<org>}`.
  secretRule({
    id: "grafana-api-key",
    description: "Grafana API key (legacy)",
    keywords: ["eyjrijoi"],
    pattern: `${B64_START}eyJrIjoi[A-Za-z0-9+/]{40,400}={0,2}${B64_END}`,
    validate: isGrafanaKey,
  }),
  secretRule({
    id: "grafana-cloud-token",
    description: "Grafana Cloud access policy token",
    keywords: ["glc_"],
    pattern: `${START}glc_[A-Za-z0-9+/]{32,600}={0,2}${B64_END}`,
    minEntropy: 3.5,
  }),
  secretRule({
    id: "onepassword-service-account-token",
    description: "1Password service account token",
    keywords: ["ops_eyj"],
    pattern: `${START}ops_eyJ[A-Za-z0-9+/_-]{100,4000}={0,2}${B64_END}`,
  }),
  prefixedToken(
    "onepassword-secret-key",
    "1Password account Secret Key",
    ["a3-"],
    "A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
    { minEntropy: 3 },
  ),
  prefixedToken("postman-api-key", "Postman API key", ["pmak-"], "PMAK-[0-9a-f]{24}-[0-9a-f]{34}"),
  prefixedToken(
    "notion-integration-token",
    "Notion integration token",
    ["ntn_", "secret_"],
    "(?:ntn_[A-Za-z0-9]{40,50}|secret_[A-Za-z0-9]{43})",
    { minEntropy: 3.5 },
  ),
  prefixedToken(
    "airtable-personal-access-token",
    "Airtable personal access token",
    ["pat"],
    "pat[A-Za-z0-9]{14}\\.[0-9a-f]{64}",
    // `pat` is in nearly every file (path, pattern): trying the pattern where it occurs beats searching.
    { anchored: true },
  ),
  prefixedToken("figma-pat", "Figma personal access token", ["figd_"], "figd_[A-Za-z0-9_-]{40,44}", {
    minEntropy: 3.5,
  }),
  secretRule({
    id: "okta-api-token",
    description: "Okta API token",
    keywords: ["ssws", "okta"],
    pattern: `(?:SSWS\\s{1,3}|okta[_.-]?(?:api[_.-]?)?token${ASSIGN})(?<secret>00[A-Za-z0-9_-]{40})${END}`,
    flags: "i",
    minEntropy: 3.5,
  }),
  prefixedToken(
    "dynatrace-api-token",
    "Dynatrace API token",
    ["dt0c01."],
    "dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}",
  ),
  prefixedToken(
    "planetscale-token",
    "PlanetScale service token, password or OAuth token",
    ["pscale_tkn_", "pscale_pw_", "pscale_oauth_"],
    "pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_-]{32,64}",
    { minEntropy: 3.5 },
  ),
  prefixedToken("supabase-access-token", "Supabase personal access token", ["sbp_"], "sbp_[0-9a-f]{40}"),
  prefixedToken("contentful-pat", "Contentful personal access token", ["cfpat-"], "CFPAT-[A-Za-z0-9_-]{43}"),
  prefixedToken(
    "mapbox-secret-token",
    "Mapbox secret access token",
    ["sk.eyj"],
    "sk\\.eyJ[A-Za-z0-9_-]{10,300}\\.[A-Za-z0-9_-]{20,40}",
  ),
  prefixedToken(
    "hubspot-private-app-token",
    "HubSpot private app access token",
    ["pat-na", "pat-eu", "pat-ap"],
    `pat-(?:na|eu|ap)[0-9]-${UUID}`,
  ),
  prefixedToken("prefect-api-key", "Prefect Cloud API key", ["pnu_"], "pnu_[A-Za-z0-9]{36}", {
    minEntropy: 3.5,
  }),
  prefixedToken("shippo-api-token", "Shippo live API token", ["shippo_live_"], "shippo_live_[0-9a-f]{40}"),
  prefixedToken("posthog-personal-api-key", "PostHog personal API key", ["phx_"], "phx_[A-Za-z0-9_]{40,50}", {
    minEntropy: 3.5,
  }),
  prefixedToken("typeform-pat", "Typeform personal access token", ["tfp_"], "tfp_[A-Za-z0-9_.=-]{40,70}", {
    minEntropy: 3.5,
  }),
  prefixedToken("frameio-api-token", "Frame.io API token", ["fio-u-"], "fio-u-[A-Za-z0-9_=-]{64}", {
    minEntropy: 3.5,
  }),
  prefixedToken("readme-api-key", "ReadMe API key", ["rdme_"], "rdme_[a-z0-9]{70}", { minEntropy: 3.5 }),
  prefixedToken("adobe-client-secret", "Adobe OAuth client secret", ["p8e-"], "p8e-[A-Za-z0-9]{32}", {
    minEntropy: 3.5,
  }),
  prefixedToken(
    "maxmind-license-key",
    "MaxMind license key",
    ["_mmk"],
    "[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk",
    { minEntropy: 3.5 },
  ),
  prefixedToken(
    "clickhouse-cloud-api-secret",
    "ClickHouse Cloud API secret key",
    ["4b1d"],
    "4b1d[A-Za-z0-9]{38}",
    {
      minEntropy: 3.5,
      // Base62: a hex digest that happens to start with `4b1d` has no capitals.
      validate: (key) => /[A-Z]/.test(key) && /[a-z]/.test(key.slice(4)),
    },
  ),
  prefixedToken(
    "defined-networking-api-token",
    "Defined Networking (Nebula) API token",
    ["dnkey-"],
    "dnkey-[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}",
    { minEntropy: 3.5 },
  ),
  prefixedToken(
    "authress-access-key",
    "Authress service client access key",
    [".acc_", ".acc-"],
    "(?:sc|ext|scauth|authress)_[A-Za-z0-9]{5,30}\\.[A-Za-z0-9]{4,6}\\.acc[_-][A-Za-z0-9-]{10,32}\\.[A-Za-z0-9+/_=-]{30,120}",
    { minEntropy: 3.5 },
  ),
  prefixedToken(
    "settlemint-token",
    "SettleMint personal, application or service access token",
    ["sm_pat_", "sm_aat_", "sm_sat_"],
    "sm_(?:pat|aat|sat)_[A-Za-z0-9]{16}",
    { minEntropy: 3 },
  ),
  // App-only bearer tokens start with 22 `A`s (a zero app id) before the random part.
  prefixedToken(
    "twitter-bearer-token",
    "X (Twitter) API bearer token",
    ["aaaaaaaaaaaaaaaaaaaaaa"],
    "A{22}[A-Za-z0-9%]{80,120}",
    { minEntropy: 3.5 },
  ),
  prefixedToken(
    "facebook-access-token",
    "Facebook (Meta) Graph API access token",
    ["eaab", "eaac", "eaad", "eaag", "eaai", "eaam", "eaaq", "eaau"],
    "EAA[BCDGIMQU][A-Za-z0-9]{100,400}",
    { minEntropy: 4 },
  ),
  prefixedToken("yandex-api-key", "Yandex Cloud API key", ["aqvn"], "AQVN[A-Za-z0-9_-]{35,38}", {
    minEntropy: 3.5,
  }),
  secretRule({
    id: "yandex-iam-token",
    description: "Yandex Cloud IAM token",
    keywords: ["t1."],
    pattern: `${START}t1\\.[A-Za-z0-9_-]{10,200}={0,2}\\.[A-Za-z0-9_-]{86}={0,2}${B64_END}`,
    minEntropy: 3.5,
  }),
  // 32 hex, like the search-only key that pages embed: only an admin key's name tells them apart.
  secretRule({
    id: "algolia-admin-key",
    description: "Algolia admin API key",
    keywords: ["algolia"],
    pattern: `algolia[_.-]?admin[_.-]?(?:api[_.-]?)?key${ASSIGN}(?<secret>[0-9a-f]{32})${HEX_END}`,
    flags: "i",
    minEntropy: 3,
  }),
];

function isGrafanaKey(key: string): boolean {
  try {
    const value: unknown = JSON.parse(decodeBase64(key)?.toString("utf8") ?? "");
    return typeof value === "object" && value !== null && "k" in value && "n" in value;
  } catch {
    return false;
  }
}
