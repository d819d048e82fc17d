import type { RegexRule } from "../rule.js";
import { ASSIGN, B64_END, END, START, prefixedToken, secretRule } from "./build.js";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const HEX_END = "(?![0-9A-Za-z])";

export const SAAS_RULES: readonly RegexRule[] = [
  prefixedToken(
    "sendgrid-api-key",
    "SendGrid API key",
    ["sg."],
    "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}",
  ),
  prefixedToken("mailgun-api-key", "Mailgun API key", ["key-"], "key-[0-9a-f]{32}", { minEntropy: 3 }),
  secretRule({
    id: "mailchimp-api-key",
    description: "Mailchimp API key",
    keywords: ["-us"],
    pattern: `(?<![0-9A-Za-z_-])[0-9a-f]{32}-us[0-9]{1,2}${END}`,
  }),
  // Twilio auth tokens are bare hex: only the variable name makes them recognisable.
  secretRule({
    id: "twilio-auth-token",
    description: "Twilio auth token or API key secret",
    keywords: ["twilio"],
    pattern: `twilio[_.-]?(?:auth[_.-]?token|api[_.-]?secret)${ASSIGN}(?<secret>[0-9a-f]{32})${HEX_END}`,
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
  prefixedToken(
    "atlassian-api-token",
    "Atlassian (Jira, Confluence, Bitbucket) API token",
    ["atatt3"],
    "ATATT3[A-Za-z0-9_-]{100,300}=[0-9A-F]{8}",
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
];
