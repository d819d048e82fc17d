import type { RegexRule } from "../rule.js";
import {
  ASSIGN,
  B64_END,
  B64_START,
  END,
  START,
  looksLikeKeyMaterial,
  prefixedToken,
  secretRule,
} from "./build.js";

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/** The Azure storage emulator (Azurite) account key is published in Microsoft's documentation. */
const AZURITE_KEY_PREFIX = "Eby8vdM02xNOcqFl";

export const CLOUD_RULES: readonly RegexRule[] = [
  secretRule({
    id: "aws-access-key-id",
    description: "AWS access key ID",
    keywords: ["akia", "asia", "abia", "acca"],
    pattern: `${START}(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}${END}`,
    confidence: "high",
  }),
  // A secret access key is 40 base64 characters with nothing distinctive: only next to its name.
  secretRule({
    id: "aws-secret-access-key",
    description: "AWS secret access key",
    keywords: [
      "aws_secret",
      "aws-secret",
      "aws.secret",
      "awssecret",
      "secret_access_key",
      "secret-access-key",
      "secretaccesskey",
    ],
    pattern:
      "(?:aws[_.-]?secret(?:[_.-]?access)?[_.-]?key|secret[_.-]?access[_.-]?key)" +
      `${ASSIGN}(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
    flags: "i",
    minEntropy: 4,
  }),
  // Session tokens are base64 of a binary blob that always starts the same way.
  secretRule({
    id: "aws-session-token",
    description: "AWS temporary session token",
    keywords: ["iqojb3jpz2lux2vj", "fwogzxivyxdze"],
    pattern: `${B64_START}(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9+/]{100,3000}={0,2}${B64_END}`,
  }),
  // `ABSK` + base64 of "BedrockAPIKey-…"
  secretRule({
    id: "aws-bedrock-api-key",
    description: "Amazon Bedrock long-term API key",
    keywords: ["absk"],
    pattern: `${B64_START}ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{40,400}={0,2}${B64_END}`,
    confidence: "high",
  }),
  secretRule({
    id: "gcp-service-account-key",
    description: "Google Cloud service account private key (JSON key file)",
    keywords: ['"private_key"'],
    pattern:
      '"private_key"\\s{0,3}:\\s{0,3}"(?<secret>-----BEGIN (?:(?:RSA|EC|DSA|ENCRYPTED) )?PRIVATE KEY-----[A-Za-z0-9+/=\\\\]{64,8000})',
    skipPlaceholders: false,
    validate: looksLikeKeyMaterial,
    confidence: "high",
  }),
  prefixedToken("google-api-key", "Google API key", ["aiza"], "AIza[A-Za-z0-9_-]{35}"),
  prefixedToken(
    "google-oauth-client-secret",
    "Google OAuth client secret",
    ["gocspx-"],
    "GOCSPX-[A-Za-z0-9_-]{28}",
  ),
  prefixedToken(
    "google-oauth-access-token",
    "Google OAuth access token",
    ["ya29."],
    "ya29\\.[A-Za-z0-9_-]{30,2000}",
    {
      minEntropy: 3.5,
    },
  ),
  secretRule({
    id: "azure-storage-account-key",
    description: "Azure Storage or Cosmos DB account key in a connection string",
    keywords: ["accountkey="],
    pattern: `AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)${B64_END}`,
    validate: (key) => !key.startsWith(AZURITE_KEY_PREFIX),
  }),
  secretRule({
    id: "azure-shared-access-key",
    description: "Azure Service Bus / Event Hubs / IoT Hub shared access key",
    keywords: ["sharedaccesskey="],
    pattern: `SharedAccessKey=(?<secret>[A-Za-z0-9+/]{43}=)${B64_END}`,
  }),
  secretRule({
    id: "azure-sas-token",
    description: "Azure shared access signature (SAS) in a URL",
    keywords: ["sig="],
    pattern: `[?&]sv=[0-9]{4}-[0-9]{2}-[0-9]{2}&[^\\s"'<>#]{0,400}?[&;]sig=(?<secret>[A-Za-z0-9%+/]{40,100}(?:%3D|=){0,2})(?![A-Za-z0-9%+/=])`,
  }),
  secretRule({
    id: "azure-ad-client-secret",
    description: "Microsoft Entra ID (Azure AD) application client secret",
    keywords: ["q~"],
    pattern: "(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])",
    minEntropy: 3.5,
  }),
  prefixedToken("alibaba-access-key-id", "Alibaba Cloud AccessKey ID", ["ltai"], "LTAI[A-Za-z0-9]{12,20}", {
    minEntropy: 3,
  }),
  prefixedToken(
    "digitalocean-token",
    "DigitalOcean personal access, OAuth or refresh token",
    ["dop_v1_", "doo_v1_", "dor_v1_"],
    "do[opr]_v1_[0-9a-f]{64}",
  ),
  prefixedToken("heroku-api-key", "Heroku API key", ["hrku-"], "HRKU-[A-Za-z0-9_-]{40,80}", {
    minEntropy: 3.5,
  }),
  // Older Heroku keys are bare UUIDs: only the variable name makes them recognisable.
  secretRule({
    id: "heroku-legacy-api-key",
    description: "Heroku API key (legacy UUID format)",
    keywords: ["heroku"],
    pattern: `heroku[_.-]?api[_.-]?(?:key|token)${ASSIGN}(?<secret>${UUID})${END}`,
    flags: "i",
  }),
  prefixedToken(
    "cloudflare-origin-ca-key",
    "Cloudflare Origin CA key",
    ["v1.0-"],
    "v1\\.0-[0-9a-f]{24}-[0-9a-f]{146}",
  ),
  secretRule({
    id: "cloudflare-api-token",
    description: "Cloudflare API token or global API key",
    keywords: ["cloudflare", "cf_api_token", "cf_api_key", "cf-api-token", "cf-api-key"],
    pattern: `(?:cloudflare|cf)[_.-]?api[_.-]?(?:token|key)${ASSIGN}(?<secret>[A-Za-z0-9_-]{40}|[0-9a-f]{37})${END}`,
    flags: "i",
    minEntropy: 3.5,
  }),
  prefixedToken(
    "databricks-token",
    "Databricks personal access token",
    ["dapi"],
    "dapi[0-9a-f]{32}(?:-[0-9])?",
  ),
];
