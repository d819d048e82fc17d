import { hasValidCrc32Suffix } from "../../checksum.js";
import type { RegexRule } from "../rule.js";
import { prefixedToken, secretRule } from "./build.js";
import { isIssuableGithubToken, STATELESS_BODY } from "./github-token.js";

/**
 * GitHub's 2021 token format: prefix, 30 random base62 characters, 6 characters of CRC32 (GHES keeps it
 * for every kind). With `stateless`, also the 2026 form `<prefix><app id>_<JWT>`: installation tokens
 * have it now, and user-to-server tokens are announced to follow, so they are matched in it too.
 */
function githubToken(id: string, prefix: string, description: string, stateless = false): RegexRule {
  // The stateless form is tried first: a JWT header of exactly 36 characters would otherwise be taken for
  // a classic token, fail its checksum, and hide the whole token.
  const body = stateless ? `${prefix}(?:${STATELESS_BODY}|[A-Za-z0-9]{36})` : `${prefix}[A-Za-z0-9]{36}`;
  return prefixedToken(id, description, [prefix], body, {
    validate: stateless ? isIssuableGithubToken : hasValidCrc32Suffix,
    confidence: "high",
  });
}

/** GitLab tokens: legacy 20 characters, or the longer routable form with a `.vv.ccccccccc` tail. */
function gitlabToken(id: string, prefix: string, description: string, min = 20): RegexRule {
  return prefixedToken(
    id,
    description,
    [prefix],
    `${prefix.replace(/\./g, "\\.")}[A-Za-z0-9_-]{${min},300}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{7,10})?`,
    { minEntropy: 3 },
  );
}

export const SOURCE_CONTROL_RULES: readonly RegexRule[] = [
  githubToken("github-pat-classic", "ghp_", "GitHub personal access token (classic)"),
  githubToken("github-oauth-token", "gho_", "GitHub OAuth access token"),
  githubToken("github-user-to-server-token", "ghu_", "GitHub App user-to-server token", true),
  githubToken(
    "github-app-installation-token",
    "ghs_",
    "GitHub App installation (server-to-server) token, GITHUB_TOKEN included",
    true,
  ),
  githubToken("github-refresh-token", "ghr_", "GitHub App refresh token"),
  prefixedToken(
    "github-fine-grained-pat",
    "GitHub fine-grained personal access token",
    ["github_pat_"],
    "github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
    { confidence: "high" },
  ),
  gitlabToken("gitlab-pat", "glpat-", "GitLab personal, project or group access token"),
  prefixedToken(
    "gitlab-pipeline-trigger-token",
    "GitLab pipeline trigger token",
    ["glptt-"],
    "glptt-[0-9a-f]{40}",
  ),
  prefixedToken(
    "gitlab-runner-registration-token",
    "GitLab runner registration token",
    ["gr1348941"],
    "GR1348941[A-Za-z0-9_-]{20}",
    { minEntropy: 3 },
  ),
  gitlabToken("gitlab-runner-token", "glrt-", "GitLab runner authentication token"),
  gitlabToken("gitlab-deploy-token", "gldt-", "GitLab deploy token"),
  gitlabToken("gitlab-feed-token", "glft-", "GitLab feed token"),
  prefixedToken(
    "gitlab-oauth-app-secret",
    "GitLab OAuth application secret",
    ["gloas-"],
    "gloas-[A-Za-z0-9_-]{64}",
  ),
  gitlabToken("gitlab-agent-token", "glagent-", "GitLab agent for Kubernetes token", 50),
  gitlabToken("gitlab-scim-token", "glsoat-", "GitLab SCIM OAuth access token"),
  prefixedToken(
    "gitlab-ci-job-token",
    "GitLab CI/CD job token",
    ["glcbt-"],
    "glcbt-[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}",
    { minEntropy: 3 },
  ),
  prefixedToken(
    "gitlab-incoming-mail-token",
    "GitLab incoming email token",
    ["glimt-"],
    "glimt-[0-9a-zA-Z_-]{25}",
    { minEntropy: 3 },
  ),
  secretRule({
    id: "gitlab-session-cookie",
    description: "GitLab session cookie",
    keywords: ["_gitlab_session="],
    pattern: "_gitlab_session=(?<secret>[0-9a-f]{32})(?![0-9A-Za-z])",
    minEntropy: 3,
  }),
  prefixedToken("bitbucket-app-password", "Bitbucket app password", ["atbb"], "ATBB[A-Za-z0-9]{28,36}", {
    minEntropy: 3.5,
  }),
];
