import { describe, expect, it } from "vitest";
import { SECRET_RULES } from "../../../src/guard/rules/secrets/index.js";
import { buildCases } from "./cases.js";
import { ALNUM, B64, B64URL, HEX, LOWER, Random, UPPER, scan } from "./fixtures.js";

// Negatives per rule: the documented, masked form of each true positive, and look-alikes of the formats
// the newer rules know that are one detail off (length, alphabet, a missing part, a public sibling key).

const r = new Random(90_210);
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const LOWER_ALNUM = LOWER + "0123456789";

/** The text with the finding's value masked after its first few characters, as documentation shows it. */
function masked(text: string, line: number, column: number, length: number): string {
  const lines = text.split("\n");
  const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  const keep = Math.min(8, Math.floor(length / 4));
  return text.slice(0, offset + keep) + "x".repeat(length - keep) + text.slice(offset + length);
}

describe("masked examples", () => {
  it.each(buildCases().map((c, i) => [`${c.id} #${i}`, c] as const))("%s", (_name, c) => {
    const hit = scan(SECRET_RULES, c.text, c.path).find((f) => f.ruleId === c.id)!;
    const length = Number(/\((\d+) chars\)$/.exec(hit.redacted)![1]);
    const text = masked(c.text, hit.line, hit.column, length);
    expect(text).not.toEqual(c.text);
    expect(
      scan(SECRET_RULES, text, c.path).filter((f) => f.ruleId === c.id),
      text,
    ).toEqual([]);
  });
});

/** [rule, text that rule must not report, path]. */
const NEAR_MISSES: [rule: string, text: string, path?: string][] = [
  // Signature one position off, and a checksum bit outside its class.
  ["azure-identifiable-key", `COSMOS_KEY="${r.str(75, B64)}ACDb${r.str(6, B64)}Q=="\n`],
  ["azure-identifiable-key", `COSMOS_KEY="${r.str(76, B64)}ACDb${r.str(5, B64)}B=="\n`],
  ["azure-storage-account-key", `AZURE_STORAGE_KEY=${r.str(40, B64)}==\n`],
  [
    "azure-storage-account-key",
    `AZURE_STORAGE_KEY=${"Eby8vdM02xNOcqFl" + r.str(70, B64)}==\n`, // the Azurite emulator's documented key
  ],
  [
    "azure-connection-string-key",
    `Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=${r.str(43, B64)}=\n`,
  ],
  [
    "azure-connection-string-key",
    "Endpoint=https://chat.service.signalr.net;AccessKey=<access-key>;Version=1.0;\n",
  ],
  ["azure-function-key", `https://login.example.org/callback?code=${r.str(54, B64URL)}\n`],
  ["azure-function-key", "https://orders.azurewebsites.net/api/place?code=abc123\n"],
  ["azure-devops-legacy-pat", `AZURE_DEVOPS_EXT_PAT=${r.str(50, BASE32)}01\n`],
  ["ibm-cloud-api-key", `public_api_key = "${r.str(44, B64URL)}"\n`],
  ["ibm-cloud-api-key", `IBMCLOUD_API_KEY=${r.str(43, B64URL)}\n`],
  ["flyio-access-token", `fo1_${r.str(42, B64URL)}\n`],
  ["flyio-access-token", `FlyV1 fm2_${r.str(50, B64)}\n`],
  ["render-api-key", `rnd_${r.str(20)}\n`],
  ["deno-deploy-token", `ddp_${r.str(30)}\n`],
  ["scalingo-api-token", `tk-us-${r.str(40, B64URL)}\n`],
  ["neon-api-key", `napi_${r.str(64, UPPER)}\n`],
  ["supabase-secret-key", `SUPABASE_KEY=sb_publishable_${r.str(31, B64URL)}\n`],
  ["openshift-user-token", `sha256~${r.str(40, B64URL)}\n`],
  ["tailscale-key", `tskey-demo-k${r.str(10)}CNTRL-${r.str(32)}\n`],
  ["gitlab-ci-job-token", `glcbt-${r.str(20, B64URL)}\n`],
  ["gitlab-incoming-mail-token", `glimt-${r.str(20, B64URL)}\n`],
  ["gitlab-session-cookie", `_gitlab_session=${r.hex(31)}\n`],
  ["vault-service-token", `hvr.${r.str(10)}\n`],
  ["harness-access-token", `pat.${r.str(10)}.${r.str(24)}.${r.str(20)}\n`],
  ["octopus-deploy-api-key", "See API-GATEWAYINTEGRATIONSERVICEX for details.\n"],
  ["infracost-api-token", `ico-${r.str(20)}\n`],
  ["snyk-api-token", `SNYK_ORG_ID=${r.uuid()}\nSNYK_TOKEN=\${SNYK_TOKEN}\n`],
  ["sourcegraph-access-token", `sgp_${r.hex(39)}\n`],
  ["sidekiq-gem-credentials", "BUNDLE_ENTERPRISE__CONTRIBSYS__COM=${SIDEKIQ_CREDENTIALS}\n", ".env"],
  ["sidekiq-gem-credentials", `source "https://${r.str(8)}:${r.str(8)}@rubygems.org/"\n`, "Gemfile"],
  ["slack-legacy-token", `xoxc-${r.str(40)}\n`],
  ["slack-session-cookie", `xoxd-${r.str(20)}\n`],
  ["duffel-api-token", `DUFFEL_ACCESS_TOKEN=duffel_test_${r.str(43, B64URL)}\n`],
  ["easypost-api-key", `EASYPOST_TEST_KEY=EZTK${r.str(54)}\n`],
  ["langfuse-secret-key", `LANGFUSE_PUBLIC_KEY=pk-lf-${r.uuid()}\n`],
  ["mailchimp-transactional-api-key", "MANDRILL_API_KEY=${MANDRILL_API_KEY}\nmandrill_key = 'md-short'\n"],
  ["resend-api-key", `re_${r.str(32)}\n`],
  ["mailersend-api-token", `mlsn.${r.hex(63)}\n`],
  ["brevo-api-key", `xkeysib-${r.hex(64)}\n`],
  ["postmark-token", "POSTMARK_SERVER_TOKEN=POSTMARK_API_TEST\n"], // Postmark's documented test token
  ["atlassian-api-token", `ATCTT3xFfGN0${r.str(170, B64URL)}\n`],
  [
    "grafana-api-key",
    `GRAFANA_API_KEY=${Buffer.from(JSON.stringify({ k: r.str(32), role: "Viewer" })).toString("base64")}\n`,
  ],
  ["twilio-auth-token", `TWILIO_ACCOUNT_SID=AC${r.hex(32)}\nTWILIO_API_SECRET=\${TWILIO_API_SECRET}\n`],
  ["posthog-personal-api-key", `POSTHOG_KEY=phc_${r.str(43)}\n`], // the project key, meant for browsers
  ["typeform-pat", `tfp_${r.str(20)}\n`],
  ["frameio-api-token", `fio-u-${r.str(60, B64URL)}\n`],
  ["readme-api-key", `rdme_${r.str(70, UPPER)}\n`],
  ["adobe-client-secret", `p8e-${r.str(20)}\n`],
  ["maxmind-license-key", `${r.str(6)}_${r.str(29)}_mmx\n`],
  ["clickhouse-cloud-api-secret", `digest: 4b1d${r.str(38, HEX)}\n`],
  ["defined-networking-api-token", `dnkey-${r.str(26, B64URL)}\n`],
  ["authress-access-key", `sc_${r.str(10, LOWER_ALNUM)}.${r.str(5, LOWER_ALNUM)}.${r.str(60, B64)}\n`],
  ["settlemint-token", `sm_pat_${r.str(10)}\n`],
  ["twitter-bearer-token", `${"A".repeat(22)}${r.str(40, ALNUM)}\n`],
  ["facebook-access-token", `EAAB${r.str(50)}\n`],
  ["yandex-api-key", `AQVN${r.str(20, B64URL)}\n`],
  ["yandex-iam-token", `t1.${r.str(20, B64URL)}.${r.str(40, B64URL)}\n`],
  ["algolia-admin-key", `ALGOLIA_SEARCH_KEY=${r.hex(32)}\n`], // search-only keys are embedded in pages
];

describe("look-alikes one detail off", () => {
  it("name only rules that exist", () => {
    const ids = new Set(SECRET_RULES.map((rule) => rule.id));
    expect(NEAR_MISSES.map(([id]) => id).filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(NEAR_MISSES.map(([id, text, path], i) => [`${id} #${i}`, id, text, path] as const))(
    "%s",
    (_name, id, text, path = "src/app.ts") => {
      expect(
        scan(SECRET_RULES, text, path).filter((f) => f.ruleId === id),
        text,
      ).toEqual([]);
    },
  );
});
