import { git, GitError } from "./git.js";

/**
 * Git's environment for talking to GitHub with a token: an HTTP header set through GIT_CONFIG_* —
 * not in the URL, not in the arguments (visible to other processes), not in any config file.
 */
export function authEnv(token: string | undefined): Record<string, string> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: "0" };
  if (token) {
    env["GIT_CONFIG_COUNT"] = "1";
    env["GIT_CONFIG_KEY_0"] = "http.extraHeader";
    env["GIT_CONFIG_VALUE_0"] = `Authorization: Basic ${basic(token)}`;
  }
  return env;
}

/** The token, and its encoded form, replaced in text that may reach a log or a comment. */
export function scrubToken(text: string, token: string | undefined): string {
  if (!token) return text;
  return text.split(token).join("[token]").split(basic(token)).join("[token]");
}

/** A git command that talks to the remote; a failure never carries the token. */
export async function gitWithAuth(
  cwd: string,
  args: readonly string[],
  token: string | undefined,
): Promise<string> {
  try {
    return await git(cwd, args, authEnv(token));
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    throw new GitError(scrubToken(err.message, token), scrubToken(err.stderr, token));
  }
}

/** A remote URL that carries credentials (`https://user:secret@host/...`): never used. */
export function hasCredentials(remoteUrl: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(remoteUrl);
}

function basic(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString("base64");
}
