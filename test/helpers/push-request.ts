import { GuardConfig } from "../../src/guard/config.js";
import type { PushRequest } from "../../src/workspace/guarded-push.js";

/** A guarded push of the run's branch from the clone `remoteAndClone` made, to its bare remote. */
export function pushRequest(
  s: { remote: string; work: string; base: string },
  over: Partial<PushRequest> = {},
): PushRequest {
  return {
    worktree: s.work,
    remoteUrl: s.remote,
    branch: "patchwright/fix-1",
    base: s.base,
    defaultBranch: "main",
    guard: GuardConfig.parse({}),
    ...over,
  };
}
