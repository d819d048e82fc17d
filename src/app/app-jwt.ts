import { createPrivateKey, sign, type KeyObject } from "node:crypto";

/** @octokit/auth-app's `createJwt`: the App's JWT and when it expires (ISO 8601). */
export type CreateAppJwt = (
  appId: string | number,
  timeDifference?: number,
) => Promise<{ jwt: string; expiresAt: string }>;

// As universal-github-app-jwt signs them: issued 30 s in the past (clocks drift), valid 10 minutes.
const BACKDATE_S = 30;
const LIFETIME_S = 600;
// Signed again this long before expiry, so a JWT handed out still has time for the request it goes on.
const RENEW_BEFORE_S = 60;

/**
 * The App's JWT, signed with a key parsed once and reused until a minute before it expires. Octokit's
 * default re-reads the PEM and signs a new JWT for every installation token and every `/app` request:
 * an RSA signature each time, on the same cores as the webhook server. The key stays inside the
 * KeyObject; neither it nor a JWT is ever logged.
 *
 * `timeDifference` (seconds, GitHub's clock minus ours) is what auth-app passes after GitHub said the
 * JWT was issued in the future or expired: a JWT signed for another difference is not reused.
 */
export function appJwtSigner(privateKey: string, now: () => number = Date.now): CreateAppJwt {
  const key: KeyObject = createPrivateKey(privateKey.replace(/\\n/g, "\n"));
  let cached: { appId: string; difference: number; jwt: string; exp: number } | undefined;
  return (appId, timeDifference = 0) => {
    const nowS = Math.floor(now() / 1000) + timeDifference;
    const id = String(appId);
    if (
      cached === undefined ||
      cached.appId !== id ||
      cached.difference !== timeDifference ||
      nowS >= cached.exp - RENEW_BEFORE_S
    ) {
      const iat = nowS - BACKDATE_S;
      const exp = iat + LIFETIME_S;
      cached = { appId: id, difference: timeDifference, jwt: signJwt(key, { iat, exp, iss: appId }), exp };
    }
    // In our clock, for auth-app's own bookkeeping.
    const expiresAt = new Date((cached.exp - timeDifference) * 1000).toISOString();
    return Promise.resolve({ jwt: cached.jwt, expiresAt });
  };
}

function signJwt(key: KeyObject, payload: { iat: number; exp: number; iss: string | number }): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const message = `${encode({ alg: "RS256", typ: "JWT" })}.${encode(payload)}`;
  return `${message}.${sign("sha256", Buffer.from(message), key).toString("base64url")}`;
}
