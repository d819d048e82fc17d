import type Bottleneck from "bottleneck";

// Octokit's throttling plugin passes its write, notification and search requests through limiters of these
// groups as empty placeholder jobs (the request itself runs in the global group), each with a 60-second
// expiration when the limiters are shared through Redis.
const PLACEHOLDER_GROUPS = new Set(["octokit-write", "octokit-notifications", "octokit-search"]);

// Caps on requests at once per installation (global: 10, auth: 1), which every request goes through:
// kept in each process. Shared through Redis they cost each request three Lua scripts on the Redis the
// queue and the webhook server wait on, for a cap GitHub sets far higher (100 requests at once) than
// workers times 10. The pacing groups above, which keep writes under the secondary limits, stay shared.
const PROCESS_GROUPS = new Set(["octokit-global", "octokit-auth"]);

type Schedule = (...args: unknown[]) => Promise<unknown>;

/**
 * Bottleneck for Octokit's clustered throttling: the global and auth groups stay in each process (see
 * PROCESS_GROUPS), and the placeholder jobs expire after `expirationMs` instead of 60 s. A worker killed
 * between a placeholder's start and its end (a `kill -9`, an OOM) leaves it counted as running in Redis
 * until it expires, and the write group lets one job run at a time per installation: every other
 * worker's writes for that installation (the restarted run's "restarted" note first) waited a minute
 * behind a dead process.
 */
export function clusteredThrottling(Base: typeof Bottleneck, expirationMs: number): typeof Bottleneck {
  const clamped = new WeakSet<object>();
  class Group extends Base.Group {
    constructor(options: Bottleneck.ConstructorOptions = {}) {
      super(PROCESS_GROUPS.has(options.id ?? "") ? inProcess(options) : options);
    }

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

/** The options without what makes a limiter shared through Redis. */
function inProcess(options: Bottleneck.ConstructorOptions): Bottleneck.ConstructorOptions {
  const local = { ...options };
  delete local.connection;
  delete local.datastore;
  return local;
}
