import { z } from "zod";
import type { Identity } from "../workspace/worktree.js";
import type { OctokitLike } from "./octokit-like.js";

/**
 * The git identity of an account: its login and the noreply address GitHub ties to the account's id,
 * so commits show the bot's avatar and link to it.
 */
export async function botIdentity(octokit: OctokitLike, login: string): Promise<Identity> {
  try {
    const { data } = await octokit.request("GET /users/{username}", { username: login });
    const { id } = z.object({ id: z.number() }).parse(data);
    return { name: login, email: `${id}+${login}@users.noreply.github.com` };
  } catch {
    return { name: login, email: `${login}@users.noreply.github.com` };
  }
}
