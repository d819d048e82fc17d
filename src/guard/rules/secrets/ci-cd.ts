import type { RegexRule } from "../rule.js";
import { END, START, prefixedToken, secretRule } from "./build.js";

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
    "HashiCorp Vault service token",
    ["hvs."],
    "hvs\\.[A-Za-z0-9_-]{24,400}",
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
    "sonarqube-token",
    "SonarQube / SonarCloud token",
    ["squ_", "sqp_", "sqa_"],
    "sq[upa]_[0-9a-f]{40}",
  ),
];
