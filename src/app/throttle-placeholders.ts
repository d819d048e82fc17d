import type Bottleneck from "bottleneck";

// Octokit's throttling plugin passes its write, notification and search requests through limiters of these
// groups as empty placeholder jobs (the request itself runs in the global group), each with a 60-second
// expiration when the limiters are shared through Redis.
const PLACEHOLDER_GROUPS = new Set(["octokit-write", "octokit-notifications", "octokit-search"]);

type Schedule = (...args: unknown[]) => Promise<unknown>;

/**
 * Bottleneck for Octokit's clustered throttling, with the placeholder jobs expiring after `expirationMs`
 * instead of 60 s. A worker killed between a placeholder's start and its end (a `kill -9`, an OOM) leaves
 * it counted as running in Redis until it expires, and the write group lets one job run at a time per
 * installation: every other worker's writes for that installation (the restarted run's "restarted" note
 * first) waited a minute behind a dead process.
 */
export function placeholdersExpireSooner(Base: typeof Bottleneck, expirationMs: number): typeof Bottleneck {
  const clamped = new WeakSet<object>();
  class Group extends Base.Group {
    override key(key = ""): Bottleneck {
      const limiter = super.key(key);
      if (PLACEHOLDER_GROUPS.has(this.id) && !clamped.has(limiter)) {
        clamped.add(limiter);
        const schedule = (limiter.schedule as Schedule).bind(limiter);
        (limiter as unknown as { schedule: Schedule }).schedule = (...args) => {
          const [first] = args;
          if (typeof first === "object" && first !== null) {
            const asked = (first as Bottleneck.JobOptions).expiration;
            args[0] = { ...first, expiration: Math.min(asked ?? expirationMs, expirationMs) };
          }
          return schedule(...args);
        };
      }
      return limiter;
    }
  }
  return class extends Base {
    static override Group = Group;
  };
}
