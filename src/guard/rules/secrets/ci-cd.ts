import type { RegexRule } from "../rule.js";
import { ASSIGN, END, START, prefixedToken, secretRule } from "./build.js";

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

export const CI_CD_RULES: readonly RegexRule[] = [
  prefixedToken(
    "circleci-personal-token",
    "CircleCI personal API token",
    ["ccipat_"],
    "CCIPAT_[A-Za-z0-9]{20,24}_[0-9a-f]{40}",
  ),
  prefixedToken(
    "circleci-project-token",
    "CircleCI project API token",
    ["cciprj_"],
    "CCIPRJ_[A-Za-z0-9]{20,24}_[0-9a-f]{40}",
  ),
  prefixedToken("buildkite-api-token", "Buildkite API access token", ["bkua_"], "bkua_[0-9a-f]{40}"),
  // Azure DevOps PATs since 2024: 84 characters carrying Microsoft's `JQQJ9` key signature and `AZDO`.
  // Before 2024: 52 lowercase base32 characters, recognisable only by their name (the az CLI reads
  // `AZURE_DEVOPS_EXT_PAT`).
  secretRule({
    id: "azure-devops-legacy-pat",
    description: "Azure DevOps personal access token (legacy format)",
    keywords: ["azure_devops", "azure-devops", "azuredevops", "azdo", "ado_", "ado-", "vsts"],
    pattern:
      "(?<![A-Za-z0-9])(?:azure[_.-]?devops|azdo|ado|vsts)[_.-]?(?:ext[_.-]?)?(?:pat|token|personal[_.-]?access[_.-]?token)" +
      `${ASSIGN}(?<secret>[a-z2-7]{52})(?![A-Za-z0-9])`,
    flags: "i",
    minEntropy: 3.5,
  }),
  prefixedToken(
    "azure-devops-pat",
    "Azure DevOps personal access token",
    ["jqqj9"],
    "[A-Za-z0-9]{52}JQQJ9[A-Za-z0-9]{19}AZDO[A-Za-z0-9]{4}",
    { confidence: "high" },
  ),
  prefixedToken(
    "terraform-cloud-token",
    "HCP Terraform (Terraform Cloud/Enterprise) API token",
    ["atlasv1"],
    "[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}",
  ),
  prefixedToken(
    "vault-service-token",
    "HashiCorp Vault service or recovery token",
    ["hvs.", "hvr."],
    "hv[sr]\\.[A-Za-z0-9_-]{24,400}",
    {
      minEntropy: 3.5,
    },
  ),
  prefixedToken("vault-batch-token", "HashiCorp Vault batch token", ["hvb."], "hvb\\.[A-Za-z0-9_-]{24,600}", {
    minEntropy: 3.5,
  }),
  secretRule({
    id: "doppler-token",
    description: "Doppler service, personal, CLI or SCIM token",
    keywords: ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
    pattern: `${START}dp\\.(?:pt|st|sa|ct|scim|audit)\\.(?:[a-z0-9_-]{1,64}\\.)?[A-Za-z0-9]{40,44}${END}`,
    minEntropy: 3.5,
  }),
  prefixedToken("pulumi-access-token", "Pulumi access token", ["pul-"], "pul-[0-9a-f]{40}"),
  prefixedToken("netlify-access-token", "Netlify personal access token", ["nfp_"], "nfp_[A-Za-z0-9]{36,40}", {
    minEntropy: 3.5,
  }),
  prefixedToken(
    "harness-access-token",
    "Harness personal or service account token",
    ["pat.", "sat."],
    "(?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}",
    { minEntropy: 3.5 },
  ),
  prefixedToken("octopus-deploy-api-key", "Octopus Deploy API key", ["api-"], "API-[A-Z0-9]{26}", {
    minEntropy: 3.5,
    // A run of capitals (`API-GATEWAYINTEGRATIONSERVICE`) is a name.
    validate: (key) => /[0-9]/.test(key.slice(4)),
  }),
  prefixedToken("infracost-api-token", "Infracost API token", ["ico-"], "ico-[A-Za-z0-9]{32}", {
    minEntropy: 3.5,
  }),
  // Snyk tokens are bare UUIDs: only the name makes them recognisable.
  secretRule({
    id: "snyk-api-token",
    description: "Snyk API token",
    keywords: ["snyk"],
    pattern: `snyk[_.-]?(?:api[_.-]?|oauth[_.-]?)?(?:token|key)${ASSIGN}(?<secret>${UUID})${END}`,
    flags: "i",
  }),
  prefixedToken(
    "sourcegraph-access-token",
    "Sourcegraph access token",
    ["sgp_"],
    "sgp_(?:(?:[0-9a-f]{16}|local)_)?[0-9a-f]{40}",
  ),
  prefixedToken(
    "sonarqube-token",
    "SonarQube / SonarCloud token",
    ["squ_", "sqp_", "sqa_"],
    "sq[upa]_[0-9a-f]{40}",
  ),
];
