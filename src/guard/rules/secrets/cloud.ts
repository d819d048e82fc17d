import type { RegexRule } from "../rule.js";
import {
  ASSIGN,
  B64_END,
  B64_START,
  END,
  START,
  decodeURIComponentSafe,
  looksLikeKeyMaterial,
  prefixedToken,
  secretRule,
} from "./build.js";

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/** The Azure storage emulator (Azurite) account key is published in Microsoft's documentation. */
const AZURITE_KEY_PREFIX = "Eby8vdM02xNOcqFl";

/**
 * Microsoft's identifiable keys carry a 4-character signature at a fixed offset: 64-byte keys (88 base64
 * characters) for Storage `+ASt`, Cosmos DB `ACDb`, Batch `+ABa`, API Management `APIM`, ML `+AMC`; 32-byte
 * keys (44) for Service Bus `+ASb`, Event Hubs `+AEh`, Relay `+ARm`, Cache for Redis `AzCa`, IoT `AIoT`,
 * Event Grid `AZEG`; 39-byte keys (52, unpadded) for Search `AzSe` and Container Registry `+ACR`; 40-byte
 * URL-safe keys (56) for Functions `AzFu`. The last characters hold a checksum's bits, hence the narrow
 * classes before the padding.
 */
const AZURE_IDENTIFIABLE =
  "[A-Za-z0-9+/]{76}(?:\\+ASt|ACDb|\\+ABa|APIM|\\+AMC)[A-Za-z0-9+/]{5}[AQgw]==" +
  "|[A-Za-z0-9+/]{33}(?:\\+ASb|\\+AEh|\\+ARm|AzCa|AIoT|AZEG)[A-P][A-Za-z0-9+/]{5}=" +
  "|[A-Za-z0-9+/]{42}(?:AzSe|\\+ACR)[A-D][A-Za-z0-9+/]{5}" +
  "|[A-Za-z0-9_-]{44}AzFu[A-Za-z0-9_-]{5}[AQgw]==";
const IS_AZURE_IDENTIFIABLE = new RegExp(`^(?:${AZURE_IDENTIFIABLE})$`);
/** The signatures AZURE_IDENTIFIABLE places: each key holds one. */
const AZURE_SIGNATURE = String.raw`\+ASt|ACDb|\+ABa|APIM|\+AMC|\+ASb|\+AEh|\+ARm|AzCa|AIoT|AZEG|AzSe|\+ACR|AzFu`;

/** A key in a connection string that azure-identifiable-key does not report already. */
function notIdentifiable(key: string): boolean {
  return !IS_AZURE_IDENTIFIABLE.test(key);
}

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
  // One run, then a signature, then the tail; the exact layout is checked afterwards. Four alternatives
  // each re-reading the run cost four times as much on every word of a large file, and a character
  // consumed before the run is cheaper than a lookbehind at every position.
  secretRule({
    id: "azure-identifiable-key",
    description:
      "Azure identifiable key (Storage, Cosmos DB, messaging, Functions, Redis, IoT, APIM, Search, ACR)",
    keywords: [
      "+ast",
      "acdb",
      "+aba",
      "apim",
      "+amc",
      "+asb",
      "+aeh",
      "+arm",
      "azca",
      "aiot",
      "azeg",
      "azse",
      "+acr",
      "azfu",
    ],
    pattern: `(?:^|[^A-Za-z0-9+/_.-])(?<secret>[A-Za-z0-9+/_-]{33,76}(?:${AZURE_SIGNATURE})[A-Za-z0-9+/_-]{6}={0,2})${B64_END}`,
    // The keywords match the signatures in any case, so random base64 (a lockfile's hashes) wakes the
    // rule often; the signatures as written are rare, and a literal search finds them ten times faster.
    quick: new RegExp(AZURE_SIGNATURE),
    validate: (key) => IS_AZURE_IDENTIFIABLE.test(key),
  }),
  // In a connection string (`AccountKey=`), an app setting (`AZURE_STORAGE_KEY=`) or `az … --account-key`.
  secretRule({
    id: "azure-storage-account-key",
    description: "Azure Storage or Cosmos DB account key",
    keywords: [
      "accountkey",
      "account_key",
      "account-key",
      "account.key",
      "storage_key",
      "storage-key",
      "storagekey",
    ],
    pattern:
      "(?:AccountKey=|(?:storage|account)[_.-]?(?:account[_.-]?)?key" +
      `${ASSIGN}|--account-key(?:[ \\t]{1,3}|=)["']?)(?<secret>[A-Za-z0-9+/]{86}==)${B64_END}`,
    flags: "i",
    minEntropy: 4,
    validate: (key) => !key.startsWith(AZURITE_KEY_PREFIX) && notIdentifiable(key),
  }),
  secretRule({
    id: "azure-shared-access-key",
    description: "Azure Service Bus / Event Hubs / IoT Hub shared access key",
    keywords: ["sharedaccesskey="],
    pattern: `SharedAccessKey=(?<secret>[A-Za-z0-9+/]{43}=)${B64_END}`,
    validate: notIdentifiable,
  }),
  secretRule({
    id: "azure-connection-string-key",
    description:
      "Key in an Azure SignalR, Web PubSub, Communication Services or App Configuration connection string",
    keywords: ["accesskey=", "azconfig.io"],
    pattern:
      "(?:(?<![A-Za-z])AccessKey=|\\.azconfig\\.io;Id=[^;\\s\"']{1,80};Secret=)" +
      `(?<secret>[A-Za-z0-9+/]{43}=|[A-Za-z0-9+/]{86}==)${B64_END}`,
    flags: "i",
    minEntropy: 4,
    validate: notIdentifiable,
  }),
  // A function's key rides in its URL (`?code=`) or in the `x-functions-key` header.
  secretRule({
    id: "azure-function-key",
    description: "Azure Functions key in a function URL or x-functions-key header",
    keywords: ["azurewebsites.net", "x-functions-key"],
    pattern:
      "(?:\\.azurewebsites\\.net/[^\\s\"'<>?#]{0,200}\\?(?:[^\\s\"'<>#]{0,300}&)?code=" +
      "|x-functions-key[\"']?[ \\t]{0,3}[:=][ \\t]{0,3}[\"']?)" +
      "(?<secret>[A-Za-z0-9_/+%-]{40,100}(?:==)?)(?![A-Za-z0-9_/+=%-])",
    flags: "i",
    minEntropy: 3.5,
    validate: (key) => notIdentifiable(decodeURIComponentSafe(key)),
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
  // 44 URL-safe characters with nothing distinctive: next to its name (`IBMCLOUD_API_KEY`, Terraform's
  // `IC_API_KEY`) or after `ibmcloud login --apikey`.
  secretRule({
    id: "ibm-cloud-api-key",
    description: "IBM Cloud API key",
    keywords: ["ibm", "bluemix", "ic_api_key", "ic-api-key"],
    pattern:
      "(?:(?:ibm[_.-]?(?:cloud)?|bluemix|ic(?<![A-Za-z0-9]ic))[_.-]?(?:iam[_.-]?)?api[_.-]?key" +
      `${ASSIGN}|ibmcloud[ \\t]{1,3}login\\b[^\\n]{0,100}?--apikey(?:[ \\t]{1,3}|=)["']?)(?<secret>[A-Za-z0-9_-]{44})${END}`,
    flags: "i",
    minEntropy: 3.5,
  }),
];
