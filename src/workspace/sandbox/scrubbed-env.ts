// Never passed to a command, even when a caller lists it: the model must never see a credential.
const FORBIDDEN_NAME = /TOKEN|SECRET|KEY|PASSWORD|CREDENTIAL|AUTH/i;
const FORBIDDEN_PREFIX = /^(GITHUB_|ANTHROPIC_|ACTIONS_)/i;

/**
 * The environment commands run with: PATH, LANG/LC_ALL, the run's own `home` (so no ~/.npmrc,
 * ~/.gitconfig or ~/.git-credentials of the host is read), CI=true, TERM=dumb, and the `extra` names
 * copied from `base` — except any that look like a credential or belong to GitHub/Anthropic/Actions.
 */
export function scrubbedEnv(
  base: NodeJS.ProcessEnv,
  home: string,
  extra: string[] = [],
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: base.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    CI: "true",
    TERM: "dumb",
  };
  for (const name of ["LANG", "LC_ALL", ...extra]) {
    const value = base[name];
    if (value === undefined || !isPassable(name)) continue;
    if (name === "HOME" || name === "CI" || name === "TERM") continue;
    env[name] = value;
  }
  return env;
}

/** The values of variables named like a credential: what a run must never send, found by value. */
export function credentialValues(base: NodeJS.ProcessEnv): string[] {
  return Object.entries(base)
    .filter(([name, value]) => value !== undefined && FORBIDDEN_NAME.test(name))
    .map(([, value]) => value as string);
}

export function isPassable(name: string): boolean {
  return !FORBIDDEN_NAME.test(name) && !FORBIDDEN_PREFIX.test(name);
}
