import type { RegexRule } from "../rule.js";
import { B64_END, START, prefixedToken, secretRule } from "./build.js";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

export const PAYMENT_RULES: readonly RegexRule[] = [
  prefixedToken("stripe-secret-key", "Stripe live secret key", ["sk_live_"], "sk_live_[A-Za-z0-9]{24,247}", {
    confidence: "high",
  }),
  prefixedToken(
    "stripe-restricted-key",
    "Stripe live restricted key",
    ["rk_live_"],
    "rk_live_[A-Za-z0-9]{24,247}",
    { confidence: "high" },
  ),
  secretRule({
    id: "stripe-webhook-secret",
    description: "Stripe (or Svix) webhook signing secret",
    keywords: ["whsec_"],
    pattern: `${START}whsec_[A-Za-z0-9+/]{32,88}={0,2}${B64_END}`,
    minEntropy: 3.5,
  }),
  prefixedToken(
    "square-access-token",
    "Square access token",
    ["sq0atp-", "eaaa"],
    "(?:sq0atp-[A-Za-z0-9_-]{22}|EAAA[A-Za-z0-9_-]{60})",
    { minEntropy: 3.5 },
  ),
  prefixedToken(
    "square-oauth-secret",
    "Square OAuth application secret",
    ["sq0csp-"],
    "sq0csp-[A-Za-z0-9_-]{43}",
  ),
  secretRule({
    id: "braintree-access-token",
    description: "Braintree (PayPal) production access token",
    keywords: ["access_token$production$"],
    pattern: "access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}(?![0-9a-z])",
  }),
  prefixedToken(
    "shopify-access-token",
    "Shopify Admin API access token",
    ["shpat_"],
    "shpat_[a-fA-F0-9]{32}",
  ),
  prefixedToken(
    "shopify-custom-app-token",
    "Shopify custom app access token",
    ["shpca_"],
    "shpca_[a-fA-F0-9]{32}",
  ),
  prefixedToken(
    "shopify-private-app-token",
    "Shopify private app access token",
    ["shppa_"],
    "shppa_[a-fA-F0-9]{32}",
  ),
  prefixedToken("shopify-shared-secret", "Shopify app shared secret", ["shpss_"], "shpss_[a-fA-F0-9]{32}"),
  prefixedToken(
    "plaid-access-token",
    "Plaid production or development access token",
    ["access-production-", "access-development-"],
    `access-(?:production|development)-${UUID}`,
  ),
  prefixedToken(
    "duffel-api-token",
    "Duffel live API token",
    ["duffel_live_"],
    "duffel_live_[A-Za-z0-9_-]{43}",
    {
      minEntropy: 3.5,
    },
  ),
  prefixedToken("easypost-api-key", "EasyPost production API key", ["ezak"], "EZAK[A-Za-z0-9]{54}", {
    minEntropy: 3.5,
  }),
  prefixedToken(
    "flutterwave-secret-key",
    "Flutterwave live secret key",
    ["flwseck-"],
    "FLWSECK-[0-9a-f]{32}-X",
  ),
];
