import { z } from "zod";
import type { OctokitLike } from "./octokit-like.js";

/** What is used of `GET /app`; GitHub's description allows no answer at all. */
export const AuthenticatedApp = z.looseObject({ slug: z.string().optional() }).nullable();
export type AuthenticatedApp = z.infer<typeof AuthenticatedApp>;

/** The GitHub App the client is authenticated as (with the App's JWT, not an installation's token). */
export async function getAuthenticatedApp(octokit: OctokitLike): Promise<AuthenticatedApp> {
  const { data } = await octokit.request("GET /app");
  return AuthenticatedApp.parse(data);
}
