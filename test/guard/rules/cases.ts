import {
  ALNUM,
  B64,
  B64URL,
  DIGITS,
  LOWER,
  P,
  Random,
  UPPER,
  armor,
  armorBody,
  base64url,
  checksummed,
  tp,
  type Case,
} from "./fixtures.js";
import { statelessGithubToken } from "../../helpers/tokens.js";

const UPPER_ALNUM = UPPER + DIGITS;
const LOWER_ALNUM = LOWER + DIGITS;
const BECH32_UPPER = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
/** Characters a human-chosen or generated password may hold in an assignment. */
const PASSWORD = ALNUM + "!@%^+=";

/** One or more true positives per rule, in realistic surroundings; `§` marks where the finding points. */
export function buildCases(seed = 20240611): Case[] {
  const r = new Random(seed);
  const cases: Case[] = [];
  const add = (...c: Case[]) => cases.push(...c);

  // --- keys.ts ---------------------------------------------------------------------------------
  const rsa = `${armor("RSA", "BEGIN")}\n${armorBody(r, 1600)}\n${armor("RSA", "END")}\n`;
  add(tp("pem-private-key", `§${rsa}`, "deploy/id_rsa.pem"));
  add(
    tp(
      "pem-private-key",
      `const key = \`§${armor("EC", "BEGIN")}\n${armorBody(r, 160)}\n${armor("EC", "END")}\`;`,
    ),
  );
  add(
    tp(
      "pem-private-key",
      `§${armor("ENCRYPTED", "BEGIN")}\n${armorBody(r, 1700)}\n${armor("ENCRYPTED", "END")}\n`,
      "certs/server.key",
    ),
  );
  add(
    tp(
      "pem-private-key",
      `${"# legacy OpenSSL encryption\n"}§${armor("RSA", "BEGIN")}\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${r
        .hex(32)
        .toUpperCase()}\n\n${armorBody(r, 1600)}\n${armor("RSA", "END")}\n`,
      "certs/legacy.key",
    ),
  );
  add(
    tp(
      "pem-private-key",
      `{\n  "tls": {\n    "key": "§${armor("", "BEGIN")}\\n${armorBody(r, 1200, 64, "\\n")}\\n${armor("", "END")}\\n"\n  }\n}\n`,
      "config/tls.json",
    ),
  );
  const openssh = "b3BlbnNzaC1rZXktdjE" + r.str(380, B64);
  add(
    tp(
      "openssh-private-key",
      `§${armor("OPENSSH", "BEGIN")}\n${openssh.replace(/(.{70})/g, "$1\n")}\n${armor("OPENSSH", "END")}\n`,
      "home/.ssh/id_ed25519",
    ),
  );
  add(
    tp(
      "pgp-private-key-block",
      `§-----BEGIN PGP ${"PRIVATE"} KEY BLOCK-----\nVersion: GnuPG v2\nComment: release signing\n\n${armorBody(r, 2400)}\n=${r.str(4, B64)}\n-----END PGP ${"PRIVATE"} KEY BLOCK-----\n`,
      "release/signing.asc",
    ),
  );
  add(
    tp(
      "putty-private-key",
      `PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n${armorBody(r, 100)}\nPrivate-Lines: 3\n§${armorBody(r, 180)}\nPrivate-MAC: ${r.hex(64)}\n`,
      "keys/deploy.ppk",
    ),
  );
  add(
    tp(
      "age-secret-key",
      `# created: 2024-05-01T10:00:00Z\n# public key: age1${r.str(58, BECH32_UPPER.toLowerCase())}\n§AGE-SECRET-${"KEY"}-1${r.str(58, BECH32_UPPER)}\n`,
      "secrets/key.txt",
    ),
  );
  add(
    tp(
      "npmrc-auth-token",
      `registry=https://npm.internal.example.org/\n//npm.internal.example.org/:_authToken=§${r.str(40, B64URL)}\n`,
      ".npmrc",
    ),
  );
  add(
    tp(
      "npmrc-password",
      `//npm.internal.example.org/:username=ci-bot\n//npm.internal.example.org/:_password=§${Buffer.from(r.str(18, ALNUM + "!@#")).toString("base64")}\n`,
      ".npmrc",
    ),
  );
  add(tp("credentials-in-url", `DATABASE_URL=postgres://app:§${r.str(24)}@db.internal:5432/app\n`, ".env"));
  add(
    tp(
      "credentials-in-url",
      `amqp:\n  url: "amqps://worker:§${r.str(20, ALNUM + "%")}@mq.prod.internal:5671/vhost"\n`,
      "config/queue.yml",
    ),
  );
  add(
    tp(
      "curl-credentials",
      `curl -fsS -u ci-bot:§${r.str(24, PASSWORD)} https://ci.example.org/api\n`,
      "ci.sh",
    ),
  );
  add(
    tp(
      "netrc-password",
      `machine api.example.org\n  login deploy\n  password §${r.str(24)}\n`,
      "home/.netrc",
    ),
  );
  const jwt = [
    base64url(JSON.stringify({ alg: "HS256", typ: "JWT" })),
    base64url(JSON.stringify({ sub: `user-${r.hex(12)}`, iat: 1717000000, role: "admin" })),
    r.str(43, B64URL),
  ].join(".");
  add(
    tp(
      "jwt",
      `curl https://api.example.org/v1/me \\\n  -H "Authorization: Bearer §${jwt}"\n`,
      "scripts/call.sh",
    ),
  );
  add(tp("jwt", `export const SERVICE_TOKEN = "§${jwt}";\n`));

  // --- cloud.ts --------------------------------------------------------------------------------
  add(
    tp(
      "aws-access-key-id",
      `[default]\naws_access_key_id = §${"AK"}IA${r.str(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}\nregion = eu-west-1\n`,
      "deploy/credentials",
    ),
  );
  add(tp("aws-access-key-id", `  "AccessKeyId": "§${"AS"}IA${r.str(16, UPPER_ALNUM)}",\n`, "out/sts.json"));
  add(
    tp(
      "aws-secret-access-key",
      `[default]\naws_access_key_id = ${"AK"}IA${r.str(16, UPPER_ALNUM)}\naws_secret_access_key = §${r.str(40, ALNUM + "/+")}\n`,
      "deploy/credentials",
      ["aws-access-key-id"],
    ),
  );
  add(tp("aws-secret-access-key", `const awsSecretAccessKey = "§${r.str(40, ALNUM + "/+")}";\n`));
  add(tp("aws-session-token", `AWS_SESSION_TOKEN=§IQoJb3JpZ2luX2Vj${r.str(400, B64)}==\n`, ".env"));
  add(tp("aws-bedrock-api-key", `BEDROCK_KEY=§ABSK${"QmVkcm9ja0FQSUtleS"}${r.str(120, B64)}=\n`, ".env"));
  add(
    tp(
      "gcp-service-account-key",
      `{\n  "type": "service_account",\n  "project_id": "demo-prod",\n  "private_key_id": "${r.hex(40)}",\n  "private_key": "§${armor("", "BEGIN")}\\n${armorBody(r, 1600, 64, "\\n")}\\n${armor("", "END")}\\n",\n  "client_email": "ci@demo-prod.iam.gserviceaccount.com"\n}\n`,
      "gcp-key.json",
    ),
  );
  add(
    tp(
      "google-api-key",
      `const url = \`https://maps.googleapis.com/maps/api/geocode/json?address=\${q}&key=§AI${"za"}${r.str(35, B64URL)}\`;\n`,
    ),
  );
  add(
    tp("google-oauth-client-secret", `  "client_secret": "§GOCSPX-${r.str(28, B64URL)}",\n`, "client.json"),
  );
  add(
    tp(
      "google-oauth-access-token",
      `curl -H "Authorization: Bearer §ya29.${r.str(160, B64URL)}" https://www.googleapis.com/drive/v3/files\n`,
      "notes.md",
    ),
  );
  add(
    tp(
      "azure-storage-account-key",
      `AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=prodassets;AccountKey=§${r.str(86, B64)}==;EndpointSuffix=core.windows.net\n`,
      ".env",
    ),
  );
  add(
    tp(
      "azure-shared-access-key",
      `"ServiceBus": "Endpoint=sb://prod-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=§${r.str(43, B64)}="\n`,
      "appsettings.json",
    ),
  );
  add(
    tp(
      "azure-sas-token",
      `fetch("https://prodassets.blob.core.windows.net/exports/report.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01T00:00:00Z&spr=https&sig=§${r.str(43, ALNUM)}%3D");\n`,
    ),
  );
  add(
    tp(
      "azure-ad-client-secret",
      `AZURE_CLIENT_SECRET=§${r.str(3, ALNUM)}8Q~${r.str(34, ALNUM + "_~-")}\n`,
      ".env",
    ),
  );
  add(tp("alibaba-access-key-id", `accessKeyId: '§LTAI${r.str(20)}',\n`));
  add(tp("digitalocean-token", `DIGITALOCEAN_ACCESS_TOKEN=§dop_v1_${r.hex(64)}\n`, ".env"));
  add(tp("heroku-api-key", `HEROKU_API_KEY=§HRKU-${r.str(60, B64URL)}\n`, ".env"));
  add(tp("heroku-legacy-api-key", `HEROKU_API_KEY=§${r.uuid()}\n`, ".env"));
  add(tp("cloudflare-origin-ca-key", `ORIGIN_CA_KEY="§v1.0-${r.hex(24)}-${r.hex(146)}"\n`, ".env"));
  add(tp("cloudflare-api-token", `CLOUDFLARE_API_TOKEN=§${r.str(40, B64URL)}\n`, ".env"));
  add(tp("databricks-token", `token = "§dapi${r.hex(32)}"\n`, "databricks.cfg"));

  const azure64 = (sig: string) => `${r.str(76, B64)}${sig}${r.str(5, B64)}Q==`;
  add(
    tp(
      "azure-identifiable-key",
      `STORAGE=DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey=§${azure64("+ASt")};EndpointSuffix=core.windows.net\n`,
      ".env",
    ),
  );
  add(
    tp(
      "azure-identifiable-key",
      `"bus": "Endpoint=sb://orders.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=§${r.str(33, B64)}+ASbC${r.str(5, B64)}="\n`,
      "appsettings.json",
    ),
  );
  add(tp("azure-identifiable-key", `COSMOS_KEY="§${azure64("ACDb")}"\n`, ".env"));
  add(
    tp(
      "azure-identifiable-key",
      `await fetch("https://orders.azurewebsites.net/api/place?code=§${r.str(44, B64URL)}AzFu${r.str(5, B64URL)}g==");\n`,
    ),
  );
  add(
    tp(
      "azure-identifiable-key",
      `echo §${r.str(42, ALNUM)}+ACRB${r.str(5, ALNUM)} | docker login prod.azurecr.io -u prod --password-stdin\n`,
      "deploy.sh",
    ),
  );
  add(tp("azure-storage-account-key", `AZURE_STORAGE_KEY=§${r.str(86, B64)}==\n`, ".env"));
  add(
    tp(
      "azure-storage-account-key",
      `az storage blob upload --account-name prodlogs --account-key §${r.str(86, B64)}== -f out.tgz\n`,
      "ci.sh",
    ),
  );
  add(
    tp(
      "azure-connection-string-key",
      `"Azure:SignalR:ConnectionString": "Endpoint=https://chat.service.signalr.net;AccessKey=§${r.str(43, B64)}=;Version=1.0;"\n`,
      "appsettings.json",
    ),
  );
  add(
    tp(
      "azure-connection-string-key",
      `APP_CONFIG=Endpoint=https://settings.azconfig.io;Id=${r.str(4)}-l0-s0:${r.str(20)};Secret=§${r.str(43, B64)}=\n`,
      ".env",
    ),
  );
  add(
    tp(
      "azure-function-key",
      `const url = "https://orders.azurewebsites.net/api/HttpTrigger1?name=x&code=§${r.str(54, B64URL)}==";\n`,
    ),
  );
  add(tp("azure-function-key", `  -H "x-functions-key: §${r.str(54, B64URL)}==" \\\n`, "call.sh"));
  add(tp("ibm-cloud-api-key", `IBMCLOUD_API_KEY=§${r.str(44, B64URL)}\n`, ".env"));
  add(tp("ibm-cloud-api-key", `ibmcloud login --apikey §${r.str(44, B64URL)} -r us-south\n`, "deploy.sh"));

  // --- platforms.ts ----------------------------------------------------------------------------
  add(tp("flyio-access-token", `FLY_API_TOKEN=§fo1_${r.str(43, B64URL)}\n`, ".env"));
  add(tp("flyio-access-token", `FLY_API_TOKEN="FlyV1 §fm2_${r.str(300, B64)}=="\n`, ".env"));
  add(tp("render-api-key", `RENDER_API_KEY=§rnd_${r.str(32)}\n`, ".env"));
  add(tp("deno-deploy-token", `DENO_DEPLOY_TOKEN=§ddp_${r.str(36)}\n`, ".env"));
  add(tp("scalingo-api-token", `SCALINGO_API_TOKEN=§tk-us-${r.str(48, B64URL)}\n`, ".env"));
  add(tp("neon-api-key", `NEON_API_KEY=§napi_${r.str(64, LOWER_ALNUM)}\n`, ".env"));
  add(tp("supabase-secret-key", `SUPABASE_SECRET_KEY=§sb_secret_${r.str(31, B64URL)}\n`, ".env"));
  add(
    tp(
      "openshift-user-token",
      `oc login --token=§sha256~${r.str(43, B64URL)} --server=https://api.ocp.example.org:6443\n`,
      "login.sh",
    ),
  );
  add(tp("tailscale-key", `TS_AUTHKEY=§tskey-auth-k${r.str(10)}CNTRL-${r.str(32)}\n`, ".env"));
  // --- source-control.ts -----------------------------------------------------------------------
  add(tp("github-pat-classic", `const token = "§${checksummed(r, P.ghp)}";\n`));
  add(
    tp(
      "github-pat-classic",
      `git clone https://§${checksummed(r, P.ghp)}@github.com/acme/private.git\n`,
      "README.md",
    ),
  );
  add(tp("github-oauth-token", `Authorization: token §${checksummed(r, P.gho)}\n`, "notes.txt"));
  add(tp("github-user-to-server-token", `  "access_token": "§${checksummed(r, P.ghu)}",\n`, "resp.json"));
  add(
    tp(
      "github-app-installation-token",
      `git push https://x-access-token:§${checksummed(r, P.ghs)}@github.com/acme/repo.git HEAD\n`,
      "scripts/push.sh",
    ),
  );
  add(tp("github-refresh-token", `refresh_token: §${checksummed(r, P.ghr)}\n`, "state.yml"));
  // The stateless form of 2026: `ghs_<app id>_<JWT>`, about 520 characters.
  const str = (n: number, alphabet?: string): string => r.str(n, alphabet);
  add(tp("github-app-installation-token", `GITHUB_TOKEN=§${statelessGithubToken(str)}\n`, ".env"));
  add(
    tp(
      "github-app-installation-token",
      `curl -H "Authorization: Bearer §${statelessGithubToken(str)}" https://api.github.com/app\n`,
      "scripts/check.sh",
    ),
  );
  add(
    tp(
      "github-user-to-server-token",
      `token: §${statelessGithubToken(str, { prefix: "ghu" })}\n`,
      "auth.yml",
    ),
  );
  add(tp("github-fine-grained-pat", `GITHUB_TOKEN=§github_pat_${r.str(22)}_${r.str(59)}\n`, ".env"));
  add(tp("gitlab-pat", `GITLAB_TOKEN=§glpat-${r.str(20, B64URL)}\n`, ".env"));
  add(tp("gitlab-pat", `const t = "§glpat-${r.str(27, B64URL)}.01.${r.str(9, LOWER_ALNUM)}";\n`));
  add(
    tp("gitlab-pipeline-trigger-token", `curl -X POST -F token=§glptt-${r.hex(40)} -F ref=main\n`, "ci.sh"),
  );
  add(
    tp(
      "gitlab-runner-registration-token",
      `  registration-token: "§GR1348941${r.str(20, B64URL)}"\n`,
      "runner.yml",
    ),
  );
  add(tp("gitlab-runner-token", `  token = "§glrt-${r.str(20, B64URL)}"\n`, "config.toml"));
  add(tp("gitlab-deploy-token", `DEPLOY_TOKEN=§gldt-${r.str(20, B64URL)}\n`, ".env"));
  add(
    tp(
      "gitlab-feed-token",
      `https://gitlab.example.com/dashboard/issues.atom?feed_token=§glft-${r.str(20, B64URL)}\n`,
      "feeds.txt",
    ),
  );
  add(tp("gitlab-oauth-app-secret", `secret: §gloas-${r.str(64, B64URL)}\n`, "oauth.yml"));
  add(tp("gitlab-agent-token", `  token: §glagent-${r.str(50, B64URL)}\n`, "agent.yml"));
  add(tp("gitlab-scim-token", `SCIM_TOKEN=§glsoat-${r.str(20, B64URL)}\n`, ".env"));
  add(tp("gitlab-ci-job-token", `CI_JOB_TOKEN=§glcbt-64_${r.str(20, B64URL)}\n`, ".env"));
  add(tp("gitlab-incoming-mail-token", `incoming_email_token: §glimt-${r.str(25, B64URL)}\n`, "gitlab.yml"));
  add(tp("gitlab-session-cookie", `Cookie: _gitlab_session=§${r.hex(32)}\n`, "req.http"));
  add(tp("bitbucket-app-password", `BITBUCKET_APP_PASSWORD=§ATBB${r.str(32)}\n`, ".env"));

  // --- ci-cd.ts --------------------------------------------------------------------------------
  add(tp("circleci-personal-token", `CIRCLE_TOKEN=§CCIPAT_${r.str(22)}_${r.hex(40)}\n`, ".env"));
  add(tp("circleci-project-token", `circle_token: §CCIPRJ_${r.str(22)}_${r.hex(40)}\n`, "ci.yml"));
  add(tp("buildkite-api-token", `BUILDKITE_API_TOKEN=§bkua_${r.hex(40)}\n`, ".env"));
  add(tp("azure-devops-pat", `AZDO_PAT=§${r.str(52)}JQQJ9${r.str(19)}AZDO${r.str(4)}\n`, ".env"));
  add(
    tp("terraform-cloud-token", `  token = "§${r.str(14)}.atlasv1.${r.str(67, B64URL)}"\n`, ".terraformrc"),
  );
  add(tp("vault-service-token", `VAULT_TOKEN=§hvs.${r.str(90, B64URL)}\n`, ".env"));
  add(tp("vault-batch-token", `export VAULT_TOKEN=§hvb.${r.str(138, B64URL)}\n`, "scripts/vault.sh"));
  add(tp("doppler-token", `DOPPLER_TOKEN=§dp.st.prd.${r.str(40)}\n`, ".env"));
  add(tp("doppler-token", `const doppler = "§dp.pt.${r.str(43)}";\n`));
  add(tp("vault-service-token", `VAULT_RECOVERY_TOKEN=§hvr.${r.str(90, B64URL)}\n`, ".env"));
  add(
    tp(
      "azure-devops-legacy-pat",
      `AZURE_DEVOPS_EXT_PAT=§${r.str(52, "abcdefghijklmnopqrstuvwxyz234567")}\n`,
      ".env",
    ),
  );
  add(
    tp("harness-access-token", `HARNESS_TOKEN=§pat.${r.str(22, B64URL)}.${r.str(24)}.${r.str(20)}\n`, ".env"),
  );
  add(tp("octopus-deploy-api-key", `OCTOPUS_CLI_API_KEY=§API-${r.str(26, UPPER_ALNUM)}\n`, ".env"));
  add(tp("infracost-api-token", `INFRACOST_API_KEY=§ico-${r.str(32)}\n`, ".env"));
  add(tp("snyk-api-token", `SNYK_TOKEN=§${r.uuid()}\n`, ".env"));
  add(tp("sourcegraph-access-token", `SRC_ACCESS_TOKEN=§sgp_${r.hex(16)}_${r.hex(40)}\n`, ".env"));
  add(tp("pulumi-access-token", `PULUMI_ACCESS_TOKEN=§pul-${r.hex(40)}\n`, ".env"));
  add(tp("netlify-access-token", `NETLIFY_AUTH_TOKEN=§nfp_${r.str(36)}\n`, ".env"));
  add(tp("sonarqube-token", `sonar.token=§squ_${r.hex(40)}\n`, "sonar-project.properties"));

  // --- registries.ts ---------------------------------------------------------------------------
  add(tp("npm-access-token", `//registry.npmjs.org/:_authToken=§${checksummed(r, P.npm)}\n`, ".npmrc"));
  add(tp("npm-access-token", `const NPM = "§${checksummed(r, P.npm)}";\n`));
  add(
    tp(
      "pypi-upload-token",
      `[pypi]\nusername = __token__\npassword = §pypi-AgEIcHlwaS5vcmc${r.str(160, B64URL)}\n`,
      ".pypirc",
    ),
  );
  add(tp("pypi-upload-token", `TWINE_PASSWORD=§pypi-AgENdGVzdC5weXBpLm9yZw${r.str(120, B64URL)}\n`, ".env"));
  add(tp("rubygems-api-key", `---\n:rubygems_api_key: §rubygems_${r.hex(48)}\n`, ".gem/credentials"));
  add(
    tp(
      "nuget-api-key",
      `dotnet nuget push pkg.nupkg --api-key §oy2${r.str(43, LOWER_ALNUM)}\n`,
      "publish.sh",
    ),
  );
  add(
    tp(
      "docker-hub-token",
      `echo §dckr_pat_${r.str(27, B64URL)} | docker login -u acme --password-stdin\n`,
      "ci.sh",
    ),
  );
  add(
    tp(
      "docker-config-auth",
      `{\n  "auths": {\n    "https://index.docker.io/v1/": {\n      "auth": "§${Buffer.from(`acme:${r.str(20)}`).toString("base64")}"\n    }\n  }\n}\n`,
      ".docker/config.json",
    ),
  );
  add(tp("jfrog-api-key", `ARTIFACTORY_API_KEY=§AKCp${r.str(69)}\n`, ".env"));
  add(tp("jfrog-identity-token", `JFROG_TOKEN=§cmVmdGtuOjAxOj${r.str(50)}\n`, ".env"));
  add(
    tp(
      "sidekiq-gem-credentials",
      `BUNDLE_ENTERPRISE__CONTRIBSYS__COM=§${r.hex(8)}:${r.hex(8)}\n`,
      ".bundle/config",
    ),
  );
  add(
    tp(
      "sidekiq-gem-credentials",
      `source "https://§${r.hex(8)}:${r.hex(8)}@enterprise.contribsys.com/" do\n`,
      "Gemfile",
    ),
  );
  add(tp("crates-io-token", `[registry]\ntoken = "§cio${r.str(32)}"\n`, ".cargo/credentials.toml"));
  add(tp("clojars-deploy-token", `:password "§CLOJARS_${r.str(60, LOWER_ALNUM)}"\n`, "profiles.clj"));

  // --- chat.ts ---------------------------------------------------------------------------------
  add(tp("slack-bot-token", `SLACK_BOT_TOKEN=§xoxb-${r.digits(12)}-${r.digits(13)}-${r.str(24)}\n`, ".env"));
  add(
    tp(
      "slack-user-token",
      `const slack = new WebClient("§xoxp-${r.digits(12)}-${r.digits(12)}-${r.digits(13)}-${r.hex(32)}");\n`,
    ),
  );
  add(
    tp(
      "slack-app-token",
      `SLACK_APP_TOKEN=§xapp-1-A${r.str(10, UPPER_ALNUM)}-${r.digits(13)}-${r.hex(64)}\n`,
      ".env",
    ),
  );
  add(tp("slack-config-token", `token: §xoxe.xoxp-1-${r.str(160)}\n`, "slack.yml"));
  add(
    tp(
      "slack-legacy-token",
      `SLACK_TOKEN=§xoxs-${r.digits(12)}-${r.digits(12)}-${r.digits(12)}-${r.hex(64)}\n`,
      ".env",
    ),
  );
  add(
    tp(
      "slack-webhook-url",
      `webhook: §https://hooks.slack.com/services/T${r.str(10, UPPER_ALNUM)}/B${r.str(10, UPPER_ALNUM)}/${r.str(24)}\n`,
      "alerts.yml",
    ),
  );
  add(
    tp(
      "slack-workflow-webhook-url",
      `const hook = "§https://hooks.slack.com/workflows/T${r.str(10, UPPER_ALNUM)}/A${r.str(10, UPPER_ALNUM)}/${r.digits(18)}/${r.str(32)}";\n`,
    ),
  );
  add(
    tp(
      "slack-legacy-token",
      `SLACK_TOKEN=§xoxc-${r.digits(12)}-${r.digits(12)}-${r.digits(13)}-${r.hex(64)}\n`,
      ".env",
    ),
  );
  add(tp("slack-session-cookie", `SLACK_COOKIE=§xoxd-${r.str(120, ALNUM + "%")}\n`, ".env"));
  add(
    tp(
      "discord-webhook-url",
      `DISCORD_WEBHOOK=§https://discord.com/api/webhooks/${r.digits(19)}/${r.str(68, B64URL)}\n`,
      ".env",
    ),
  );
  add(
    tp(
      "discord-bot-token",
      `DISCORD_BOT_TOKEN=§${base64url(r.digits(19))}.${r.str(6, B64URL)}.${r.str(38, B64URL)}\n`,
      ".env",
    ),
  );
  add(
    tp(
      "telegram-bot-token",
      `await fetch("https://api.telegram.org/bot§${r.digits(10)}:AA${r.str(33, B64URL)}/sendMessage", opts);\n`,
    ),
  );
  add(tp("telegram-bot-token", `TELEGRAM_BOT_TOKEN=§${r.digits(10)}:AA${r.str(33, B64URL)}\n`, ".env"));
  add(
    tp(
      "teams-incoming-webhook-url",
      `TEAMS_WEBHOOK=§https://acme.webhook.office.com/webhookb2/${r.uuid()}@${r.uuid()}/IncomingWebhook/${r.hex(32)}/${r.uuid()}/V2${r.str(40, B64URL)}\n`,
      ".env",
    ),
  );
  add(
    tp(
      "google-chat-webhook-token",
      `url: https://chat.googleapis.com/v1/spaces/AAAA${r.str(7)}/messages?key=AI${"za"}${r.str(35, B64URL)}&token=§${r.str(43, B64URL)}%3D\n`,
      "notify.yml",
      ["google-api-key"],
    ),
  );

  // --- payment.ts ------------------------------------------------------------------------------
  add(tp("stripe-secret-key", `const stripe = new Stripe("§${["sk", "live", r.str(99)].join("_")}");\n`));
  add(tp("stripe-restricted-key", `STRIPE_KEY=§${["rk", "live", r.str(99)].join("_")}\n`, ".env"));
  add(tp("stripe-webhook-secret", `STRIPE_WEBHOOK_SECRET=§whsec_${r.str(32)}\n`, ".env"));
  add(tp("square-access-token", `SQUARE_ACCESS_TOKEN=§EAAA${r.str(60, B64URL)}\n`, ".env"));
  add(tp("square-access-token", `square_token: §sq0atp-${r.str(22, B64URL)}\n`, "pay.yml"));
  add(tp("square-oauth-secret", `SQUARE_APP_SECRET=§sq0csp-${r.str(43, B64URL)}\n`, ".env"));
  add(
    tp(
      "braintree-access-token",
      `BRAINTREE_TOKEN=§access_token$production$${r.str(16, LOWER_ALNUM)}$${r.hex(32)}\n`,
      ".env",
    ),
  );
  add(tp("shopify-access-token", `X-Shopify-Access-Token: §shpat_${r.hex(32)}\n`, "req.http"));
  add(tp("shopify-custom-app-token", `SHOPIFY_TOKEN=§shpca_${r.hex(32)}\n`, ".env"));
  add(tp("shopify-private-app-token", `SHOPIFY_PASSWORD=§shppa_${r.hex(32)}\n`, ".env"));
  add(tp("shopify-shared-secret", `SHOPIFY_API_SECRET=§shpss_${r.hex(32)}\n`, ".env"));
  add(tp("plaid-access-token", `  access_token: "§access-production-${r.uuid()}",\n`, "fixtures/items.ts"));
  add(tp("duffel-api-token", `DUFFEL_ACCESS_TOKEN=§duffel_live_${r.str(43, B64URL)}\n`, ".env"));
  add(tp("easypost-api-key", `EASYPOST_API_KEY=§EZAK${r.str(54)}\n`, ".env"));
  add(tp("flutterwave-secret-key", `FLW_SECRET_KEY=§FLWSECK-${r.hex(32)}-X\n`, ".env"));

  // --- ai.ts -----------------------------------------------------------------------------------
  add(tp("anthropic-api-key", `ANTHROPIC_API_KEY=§sk-ant-api03-${r.str(93, B64URL)}AA\n`, ".env"));
  add(
    tp(
      "anthropic-admin-key",
      `const admin = new Anthropic({ apiKey: "§sk-ant-admin01-${r.str(93, B64URL)}AA" });\n`,
    ),
  );
  add(tp("anthropic-oauth-token", `CLAUDE_CODE_OAUTH_TOKEN=§sk-ant-oat01-${r.str(93, B64URL)}AA\n`, ".env"));
  add(
    tp(
      "openai-api-key",
      `OPENAI_API_KEY=§sk-proj-${r.str(74, B64URL)}T3BlbkFJ${r.str(74, B64URL)}\n`,
      ".env",
    ),
  );
  add(tp("openai-api-key", `openai.api_key = "§sk-${r.str(20)}T3BlbkFJ${r.str(20)}"\n`, "app.py"));
  add(tp("openrouter-api-key", `OPENROUTER_API_KEY=§sk-or-v1-${r.hex(64)}\n`, ".env"));
  add(tp("huggingface-token", `login(token="§hf_${r.str(34, UPPER + LOWER)}")\n`, "train.py"));
  add(tp("huggingface-org-token", `HF_ORG_TOKEN=§api_org_${r.str(34, UPPER + LOWER)}\n`, ".env"));
  add(tp("groq-api-key", `GROQ_API_KEY=§gsk_${r.str(52)}\n`, ".env"));
  add(tp("replicate-api-token", `REPLICATE_API_TOKEN=§r8_${r.str(37)}\n`, ".env"));
  add(tp("perplexity-api-key", `PPLX_API_KEY=§pplx-${r.str(48)}\n`, ".env"));
  add(tp("xai-api-key", `XAI_API_KEY=§xai-${r.str(80)}\n`, ".env"));
  add(tp("langsmith-api-key", `LANGSMITH_API_KEY=§lsv2_pt_${r.hex(32)}_${r.hex(10)}\n`, ".env"));
  add(tp("langfuse-secret-key", `LANGFUSE_SECRET_KEY=§sk-lf-${r.uuid()}\n`, ".env"));
  add(tp("pinecone-api-key", `PINECONE_API_KEY=§pcsk_${r.str(6)}_${r.str(64)}\n`, ".env"));
  add(tp("tavily-api-key", `TAVILY_API_KEY=§tvly-dev-${r.str(32)}\n`, ".env"));

  // --- email.ts --------------------------------------------------------------------------------
  add(tp("sendgrid-api-key", `SENDGRID_API_KEY=§SG.${r.str(22, B64URL)}.${r.str(43, B64URL)}\n`, ".env"));
  add(tp("mailgun-api-key", `const mg = mailgun.client({ username: "api", key: "§key-${r.hex(32)}" });\n`));
  add(tp("mailchimp-api-key", `MAILCHIMP_API_KEY=§${r.hex(32)}-us14\n`, ".env"));
  add(tp("mailchimp-transactional-api-key", `MANDRILL_API_KEY=§md-${r.str(22, B64URL)}\n`, ".env"));
  add(tp("resend-api-key", `RESEND_API_KEY=§re_${r.str(8)}_${r.str(24)}\n`, ".env"));
  add(tp("mailersend-api-token", `MAILERSEND_API_TOKEN=§mlsn.${r.hex(64)}\n`, ".env"));
  add(tp("brevo-api-key", `BREVO_API_KEY=§xkeysib-${r.hex(64)}-${r.str(16)}\n`, ".env"));
  add(tp("postmark-token", `POSTMARK_SERVER_TOKEN=§${r.uuid()}\n`, ".env"));
  add(tp("postmark-token", `X-Postmark-Server-Token: §${r.uuid()}\n`, "send.http"));

  // --- saas.ts ---------------------------------------------------------------------------------
  add(tp("twilio-auth-token", `TWILIO_AUTH_TOKEN=§${r.hex(32)}\n`, ".env"));
  add(tp("twilio-auth-token", `TWILIO_API_SECRET=§${r.str(32)}\n`, ".env"));
  add(tp("datadog-api-key", `  DD_API_KEY: "§${r.hex(32)}"\n`, "docker-compose.yml"));
  add(tp("datadog-api-key", `datadog_app_key = "§${r.hex(40)}"\n`, "main.tf"));
  add(tp("linear-api-key", `LINEAR_API_KEY=§lin_api_${r.str(40)}\n`, ".env"));
  add(
    tp(
      "atlassian-api-token",
      `JIRA_API_TOKEN=§ATATT3xFfGF0${r.str(170, B64URL)}=${r.hex(8).toUpperCase()}\n`,
      ".env",
    ),
  );
  add(tp("new-relic-user-api-key", `NEW_RELIC_API_KEY=§NRAK-${r.str(27, UPPER_ALNUM)}\n`, ".env"));
  add(tp("new-relic-insert-key", `NEW_RELIC_INSERT_KEY=§NRII-${r.str(32, B64URL)}\n`, ".env"));
  add(tp("new-relic-license-key", `license_key: §${r.hex(36)}NRAL\n`, "newrelic.yml"));
  add(tp("sentry-user-token", `SENTRY_AUTH_TOKEN=§sntryu_${r.hex(64)}\n`, ".env"));
  add(
    tp(
      "sentry-org-token",
      `SENTRY_AUTH_TOKEN=§sntrys_eyJ${r.str(150, ALNUM + "+/")}_${r.str(43, ALNUM + "+/")}\n`,
      ".env",
    ),
  );
  add(tp("grafana-service-account-token", `GRAFANA_TOKEN=§glsa_${r.str(32)}_${r.hex(8)}\n`, ".env"));
  add(tp("grafana-cloud-token", `GRAFANA_CLOUD_TOKEN=§glc_eyJ${r.str(120, B64)}=\n`, ".env"));
  add(
    tp(
      "onepassword-service-account-token",
      `OP_SERVICE_ACCOUNT_TOKEN=§ops_eyJ${r.str(300, B64URL)}\n`,
      ".env",
    ),
  );
  add(
    tp(
      "onepassword-secret-key",
      `Secret Key: §A3-${r.str(6, UPPER_ALNUM)}-${r.str(6, UPPER_ALNUM)}-${r.str(5, UPPER_ALNUM)}-${r.str(5, UPPER_ALNUM)}-${r.str(5, UPPER_ALNUM)}-${r.str(5, UPPER_ALNUM)}\n`,
      "notes/emergency-kit.txt",
    ),
  );
  add(tp("postman-api-key", `POSTMAN_API_KEY=§PMAK-${r.hex(24)}-${r.hex(34)}\n`, ".env"));
  add(tp("notion-integration-token", `const notion = new Client({ auth: "§ntn_${r.str(46)}" });\n`));
  add(tp("notion-integration-token", `NOTION_TOKEN=§secret_${r.str(43)}\n`, ".env"));
  add(tp("airtable-personal-access-token", `AIRTABLE_PAT=§pat${r.str(14)}.${r.hex(64)}\n`, ".env"));
  add(tp("figma-pat", `FIGMA_TOKEN=§figd_${r.str(40, B64URL)}\n`, ".env"));
  add(tp("okta-api-token", `Authorization: SSWS §00${r.str(40, B64URL)}\n`, "okta.http"));
  add(tp("okta-api-token", `OKTA_API_TOKEN=§00${r.str(40, B64URL)}\n`, ".env"));
  add(
    tp(
      "dynatrace-api-token",
      `DT_API_TOKEN=§dt0c01.${r.str(24, UPPER_ALNUM)}.${r.str(64, UPPER_ALNUM)}\n`,
      ".env",
    ),
  );
  add(tp("planetscale-token", `PLANETSCALE_SERVICE_TOKEN=§pscale_tkn_${r.str(43, B64URL)}\n`, ".env"));
  add(tp("supabase-access-token", `SUPABASE_ACCESS_TOKEN=§sbp_${r.hex(40)}\n`, ".env"));
  add(tp("contentful-pat", `CONTENTFUL_MANAGEMENT_TOKEN=§CFPAT-${r.str(43, B64URL)}\n`, ".env"));
  add(
    tp(
      "mapbox-secret-token",
      `MAPBOX_SECRET=§sk.eyJ${base64url(JSON.stringify({ u: `acme${r.hex(4)}`, a: r.str(25, LOWER_ALNUM) })).slice(3)}.${r.str(22, B64URL)}\n`,
      ".env",
    ),
  );
  add(tp("hubspot-private-app-token", `HUBSPOT_TOKEN=§pat-na1-${r.uuid()}\n`, ".env"));
  add(tp("prefect-api-key", `PREFECT_API_KEY=§pnu_${r.str(36)}\n`, ".env"));
  add(tp("shippo-api-token", `SHIPPO_TOKEN=§shippo_live_${r.hex(40)}\n`, ".env"));

  add(
    tp(
      "atlassian-api-token",
      `BITBUCKET_ACCESS_TOKEN=§ATCTT3xFfGN0${r.str(170, B64URL)}=${r.hex(8).toUpperCase()}\n`,
      ".env",
    ),
  );
  add(
    tp(
      "grafana-api-key",
      `GRAFANA_API_KEY=§${Buffer.from(JSON.stringify({ k: r.str(32), n: "ci", id: 1 })).toString("base64")}\n`,
      ".env",
    ),
  );
  add(tp("posthog-personal-api-key", `POSTHOG_PERSONAL_API_KEY=§phx_${r.str(47)}\n`, ".env"));
  add(tp("typeform-pat", `TYPEFORM_TOKEN=§tfp_${r.str(44, B64URL)}_${r.str(14)}\n`, ".env"));
  add(tp("frameio-api-token", `FRAMEIO_TOKEN=§fio-u-${r.str(64, B64URL)}\n`, ".env"));
  add(tp("readme-api-key", `README_API_KEY=§rdme_${r.str(70, LOWER_ALNUM)}\n`, ".env"));
  add(tp("adobe-client-secret", `ADOBE_CLIENT_SECRET=§p8e-${r.str(32)}\n`, ".env"));
  add(tp("maxmind-license-key", `MAXMIND_LICENSE_KEY=§${r.str(6)}_${r.str(29)}_mmk\n`, ".env"));
  add(tp("clickhouse-cloud-api-secret", `CLICKHOUSE_KEY_SECRET=§4b1d${r.str(38)}\n`, ".env"));
  add(
    tp(
      "defined-networking-api-token",
      `DN_API_KEY=§dnkey-${r.str(26, B64URL)}-${r.str(52, B64URL)}\n`,
      ".env",
    ),
  );
  add(
    tp(
      "authress-access-key",
      `AUTHRESS_KEY=§sc_${r.str(10, LOWER_ALNUM)}.${r.str(5, LOWER_ALNUM)}.acc_${r.str(20, LOWER_ALNUM)}.${r.str(60, B64)}\n`,
      ".env",
    ),
  );
  add(tp("settlemint-token", `SETTLEMINT_ACCESS_TOKEN=§sm_pat_${r.str(16)}\n`, ".env"));
  add(
    tp("twitter-bearer-token", `TWITTER_BEARER_TOKEN=§${"A".repeat(22)}${r.str(90, ALNUM + "%")}\n`, ".env"),
  );
  add(tp("facebook-access-token", `FB_PAGE_TOKEN=§EAAB${r.str(180)}\n`, ".env"));
  add(tp("yandex-api-key", `YC_API_KEY=§AQVN${r.str(36, B64URL)}\n`, ".env"));
  add(
    tp(
      "yandex-iam-token",
      `curl -H "Authorization: Bearer §t1.${r.str(60, B64URL)}.${r.str(86, B64URL)}" https://iam.api.cloud.yandex.net\n`,
      "call.sh",
    ),
  );
  add(tp("algolia-admin-key", `ALGOLIA_ADMIN_KEY=§${r.hex(32)}\n`, ".env"));

  // --- generic.ts ------------------------------------------------------------------------------
  add(tp("generic-secret-assignment", `const dbPassword = "§${r.str(20, PASSWORD)}";\n`));
  add(tp("generic-secret-assignment", `oauth:\n  client_secret: §${r.str(32)}\n`, "config/app.yml"));
  add(tp("generic-secret-assignment", `API_KEY=§${r.str(32)}\n`, ".env"));
  add(
    tp(
      "generic-secret-assignment",
      `{\n  "apiKey": "§${r.str(24)}",\n  "region": "eu"\n}\n`,
      "settings.json",
    ),
  );
  add(
    tp("generic-secret-assignment", `return ['password' => '§${r.str(18, PASSWORD)}'];\n`, "config/db.php"),
  );
  add(tp("generic-secret-assignment", `[service]\ntoken = "§${r.str(40, B64)}"\n`, "service.toml"));
  add(tp("generic-secret-assignment", `\tsecret := "§${r.hex(48)}"\n`, "main.go"));
  add(tp("generic-secret-assignment", `  private readonly apiKey: string = "§${r.str(32)}";\n`));
  add(tp("generic-secret-assignment", `settings["SECRET_KEY"] = '§${r.str(50, PASSWORD)}'\n`, "settings.py"));
  add(
    tp(
      "authorization-header",
      `curl -H "Authorization: Basic §${Buffer.from(`deploy:${r.str(16)}`).toString("base64")}" https://ci.example.org/api\n`,
      "scripts/ci.sh",
    ),
  );
  add(
    tp("authorization-header", `headers = {"Authorization": "Bearer §${r.str(40, B64URL)}"}\n`, "client.py"),
  );
  // Names that hold another rule's keyword (`_auth=`, `secret_`) must still reach these rules.
  add(tp("authorization-header", `HTTP_AUTHORIZATION = "Bearer §${r.str(32)}"\n`, "tests/conftest.py"));
  add(tp("generic-secret-assignment", `X_AUTH_KEY = "§${r.str(24)}"\n`, "settings.py"));
  add(tp("generic-secret-assignment", `SECRET_KEY_BASE=§${r.hex(64)}\n`, ".env"));
  add(
    tp(
      "xml-secret-element",
      `<servers>\n  <server>\n    <id>nexus</id>\n    <username>deploy</username>\n    <password>§${r.str(20, PASSWORD)}</password>\n  </server>\n</servers>\n`,
      ".m2/settings.xml",
    ),
  );

  return cases;
}
