/**
 * How patchwright runs git itself: never with a configuration or an environment the repository, the
 * model or a command could have set. The guard and the workspace share it (the guard is the lowest
 * layer, so it lives here).
 *
 * - No system or global config (a hostile `~/.gitconfig`, or a runner's `includeIf` to a credentials
 *   file), no hooks, no fsmonitor: those run programs inside whoever runs git next.
 * - An environment built from a short allow-list, never the harness's own: no token, and no
 *   `GIT_CONFIG_*`, `GIT_EXTERNAL_DIFF`, `GIT_SSH_COMMAND` or `GIT_DIR` that something else set.
 */
export const SAFE_GIT_ARGS: readonly string[] = [
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "core.fsmonitor=false",
  "-c",
  "protocol.ext.allow=never",
];

/** Variables git may have from the harness: the programs' path, the locale, proxies and certificates. */
const PASSED = [
  "PATH",
  "LANG",
  "LC_ALL",
  "LC_CTYPE",
  "TZ",
  "TMPDIR",
  "HOME",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "ALL_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "all_proxy",
  "no_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "GIT_SSL_CAINFO",
  "GIT_SSL_CAPATH",
];

export function safeGitEnv(
  extra: Readonly<Record<string, string>> = {},
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ATTR_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
    ...extra,
  };
}
