import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { ApplicationFunction, Context, Probot } from "probot";
import { createModelClient, type ModelProvider } from "../agent/model/model-provider.js";
import { DEFAULT_MODEL } from "../agent/model/default-model.js";
import type { ModelClient } from "../agent/model-types.js";
import { getAuthenticatedApp } from "../github/authenticated-app.js";
import { WITHHELD } from "../github/guarded-comments.js";
import { botIdentity } from "../github/identity.js";
import type { OctokitLike } from "../github/octokit-like.js";
import { credentialValues } from "../workspace/sandbox/scrubbed-env.js";
import { rulesRouter } from "../request/route-intent.js";
import { HistoryCache } from "../runs/buddy/history-cache.js";
import { handleEvent, mentionTriggerKey, screenEvent } from "../runs/front-door.js";
import type { FrontDoorLog, Outcome, WebhookEvent } from "../runs/front-door/types.js";
import { runIdForDelivery } from "../runs/front-door/run-id.js";
import { createRunExecutor } from "../runs/execute-run.js";
import { isGuardCheckEvent, runGuardCheck } from "../runs/guard-check-run.js";
import type { ExecutorDeps } from "../runs/executor-deps.js";
import { notifyAbandoned, notifyReplaced, notifyRestarted, notifyWaiting } from "../runs/messages.js";
import { DeliveryInbox } from "../runs/queue/delivery-inbox.js";
import {
  type Accepted,
  type DurableQueue,
  outstanding,
  type QueueWorker,
} from "../runs/queue/durable-queue.js";
import { openQueue, QUEUE_DEFAULTS } from "../runs/queue/open-queue.js";
import type { RunExecutor, RunQueue } from "../runs/queue/run-queue.js";
import type { RunRequest } from "../request/run-request.js";
import type { Metrics } from "../runs/metrics.js";
import {
  createMaintenanceScheduler,
  type MaintenanceScheduler,
  type SchedulerSettings,
} from "../runs/maintenance-scheduler.js";
import type { RunReport } from "../runs/report.js";
import { derivePageKey, runPageUrl } from "../runs/run-log/page-token.js";
import { storeRunLog, type RunLog } from "../runs/run-log/run-log.js";
import { RunStore } from "../runs/run-log/run-store.js";

export type AppRole = "all" | "serve" | "worker";

export interface AppOptions {
  /**
   * What this process does: `serve` receives webhooks and stores them, `worker` handles stored deliveries
   * and runs, `all` (one server, the default) both.
   */
  role?: AppRole;
  /** Deliveries a worker handles at once (config loading, acknowledgement). */
  intakeConcurrency?: number;
  runConcurrency?: number;
  /** By default derived from the delivery, so a restarted handling queues the same run (front-door/run-id.ts). */
  newRunId?: (deliveryId: string) => string;
  now?: () => Date;
  /** The durable queue; by default SQLite in the state folder (start-app.ts opens the configured one). */
  queue?: DurableQueue;
  /**
   * With the Redis queue, in the serve and all roles: store each delivery in `inbox.sqlite` in the state
   * folder and answer, then hand it to Redis (delivery-inbox.ts). On by default; false makes GitHub's
   * answer wait for Redis (PATCHWRIGHT_INBOX=off, for a server whose state folder is not kept).
   */
  inbox?: boolean;
  /** Replaces the durable run queue behind the front door (tests of the front door alone). */
  runQueue?: (app: Probot) => RunQueue;
  /** The model runs use; by default a client for `provider`, its settings read from `env`. */
  model?: ModelClient;
  /** PATCHWRIGHT_PROVIDER, as read-app-env.ts checked it at start; anthropic by default. */
  provider?: ModelProvider;
  /** The environment: the model's key, and what the agent's commands start from (scrubbed). */
  env?: NodeJS.ProcessEnv;
  /** The web address of GitHub (GHE_HOST's, on GitHub Enterprise Server). */
  serverUrl?: string;
  /** A repository's git URL; by default `${serverUrl}/owner/name.git`. */
  gitUrl?: (owner: string, name: string) => string;
  /** Where the queue and the transcripts are kept (PATCHWRIGHT_STATE_DIR, default `.patchwright`). */
  stateDir?: string;
  progressIntervalMs?: number;
  /**
   * The key plans are MACed with (read-app-env.ts derives it). Without one, a key made for this process:
   * plans then cannot be approved after a restart.
   */
  planKey?: Uint8Array;
  /**
   * Run the leak guard as the `patchwright leak guard` check run on every pull request's new commits
   * (the repository's `guard.check` can still turn it off). On by default; tests of other things turn it off.
   */
  guardCheck?: boolean;
  /**
   * Where runs' timelines and reports are kept for the run page and the dashboard; by default
   * `runs.sqlite` in the state folder.
   */
  runStore?: RunStore;
  /**
   * PATCHWRIGHT_PUBLIC_URL: where people reach this server. With it, tracking comments link to each
   * run's page; without it, no link is posted (the pages are still served to whoever has a link).
   */
  publicUrl?: string;
  /** Where runs' outcomes, durations, costs, restarts and guard blocks are counted. */
  metrics?: Metrics;
  /**
   * The maintenance scheduler's settings, in the `serve` and `all` roles: it reads every installation's
   * configs at start and stores a `schedule` delivery when a repository's task is due. Off when absent
   * (start-app.ts turns it on).
   */
  scheduler?: SchedulerSettings;
  /** Told what became of each event, and of each failure (metrics, tests). */
  onOutcome?: (event: WebhookEvent, outcome: Outcome) => void;
  onError?: (event: WebhookEvent, error: unknown) => void;
}

export interface PatchwrightApp {
  appFn: ApplicationFunction;
  /**
   * Takes a verified delivery (serve and all roles): stores it, or drops it when it asks for nothing.
   * The same intake as Probot's `receive`, without what Probot does for a handler before calling it
   * (an installation Octokit and a logger per delivery, its event emitter): the server only enqueues.
   */
  receive(event: WebhookEvent): Promise<void>;
  /** Resolves when every stored delivery and run has been handled (tests). */
  idle(): Promise<void>;
  /** Stops the worker (draining for up to `drainMs`) and closes the queue. */
  stop(drainMs: number): Promise<{ requeued: number }>;
  /** Cancels the runs of a thread, as `@patchwright stop` does (the dashboard's cancel). */
  cancel(threadKey: string): Promise<boolean>;
  /** The run store the pages read, and the key their tokens are made with. */
  runStore: RunStore;
  pageKey: Uint8Array;
  /** The maintenance scheduler, when this process runs one (tests read what it knows). */
  scheduler(): MaintenanceScheduler | undefined;
  /** The server's inbox in front of the Redis queue, when this process has one. */
  inbox(): DeliveryInbox | undefined;
}

/**
 * The GitHub App: the only place that knows Probot. A delivery is answered as soon as it is verified and
 * stored in the durable queue (or found to ask for nothing); loading the config, checking permissions and
 * acknowledging happen on a worker, in this process or another, so GitHub never waits on them and a
 * restart loses nothing.
 */
export function createPatchwrightApp(options: AppOptions = {}): PatchwrightApp {
  const role = options.role ?? "all";
  const buddyHistory = new HistoryCache();
  const env = options.env ?? process.env;
  const stateDir = options.stateDir ?? env["PATCHWRIGHT_STATE_DIR"] ?? ".patchwright";
  let durable: DurableQueue | undefined;
  let worker: QueueWorker | undefined;
  let scheduler: MaintenanceScheduler | undefined;
  let inbox: DeliveryInbox | undefined;
  const planKey = options.planKey ?? randomBytes(32);
  const pageKey = derivePageKey(planKey);
  const runStore =
    options.runStore ??
    new RunStore(join(stateDir, "runs.sqlite"), { retentionMs: QUEUE_DEFAULTS.retentionMs });
  const publicUrl = options.publicUrl;
  let runLog: RunLog | undefined;
  let appLog: Probot["log"] | undefined;

  const appFn: ApplicationFunction = (app) => {
    appLog = app.log;
    const log = adaptLog(app.log);
    // The queue, the inbox and the scheduler also log errors.
    const withErrors = {
      ...log,
      error: (message: string, fields?: Record<string, unknown>) => app.log.error(fields ?? {}, message),
    };
    runLog = storeRunLog({
      store: runStore,
      pageUrl: publicUrl ? (id) => runPageUrl(publicUrl, pageKey, id) : () => undefined,
      log,
    });
    durable = options.queue ?? openQueue({ backend: "sqlite", stateDir, ...QUEUE_DEFAULTS }, withErrors);
    const store = durable;
    if (role !== "worker" && store.backend === "redis" && options.inbox !== false) {
      inbox = new DeliveryInbox(join(stateDir, "inbox.sqlite"), {
        forward: (delivery, trigger) => store.accept(delivery, trigger),
        onForwarded: (delivery, trigger, result) => stored(delivery, trigger, result),
        log: withErrors,
      });
      const held = inbox;
      options.metrics?.setInboxSize(() => held.size);
    }
    if (role !== "worker" && options.scheduler) {
      scheduler = createMaintenanceScheduler({
        ...options.scheduler,
        queue: store,
        appOctokit: () => app.auth(),
        installationOctokit: (id) => app.auth(id),
        log: withErrors,
      });
      scheduler.start();
    }
    // Probot's own receive (tests, an embedding Probot) reaches the same intake; the server calls
    // `receive` directly.
    if (role !== "worker")
      app.onAny((emitted) => {
        const { id, name, payload } = emitted as unknown as Context;
        return ingress({ id, name, payload });
      });
    if (role !== "serve") worker = startWorker(app, store, runLog);
  };

  /**
   * What GitHub waits for: events that ask for nothing are told apart from the payload alone and dropped;
   * the rest are stored before the answer, so a crash after it loses nothing.
   */
  async function ingress(event: WebhookEvent): Promise<void> {
    const store = loaded();
    // Config pushes and installation changes ask for no run, but tell the scheduler what to schedule.
    scheduler?.observe(event);
    const guardCheck = options.guardCheck !== false && isGuardCheckEvent(event);
    const screened = screenEvent(event);
    if (screened && !guardCheck) {
      // Said from the screen's reason and the payload's repository: never the text of a comment.
      intakeLog(event).info(`event ${event.name}: ${screened.status}`, describe(screened));
      options.onOutcome?.(event, screened);
      return;
    }
    // A mention's trigger is claimed in the same write that stores it in the queue: another delivery of
    // the same comment is a duplicate before anything is stored. A delivery taken into the inbox has
    // that said when the inbox hands it to the queue.
    const key = mentionTriggerKey(event);
    stored(event, key, inbox ? inbox.take(event, key) : await store.accept(event, key));
  }

  /** What the queue (or the inbox, for a delivery it still holds) made of a delivery. */
  function stored(event: WebhookEvent, key: string | undefined, result: Accepted): void {
    if (result === "claimed" && key !== undefined) {
      const duplicate: Outcome = { status: "duplicate", key };
      intakeLog(event).info(`event ${event.name}: duplicate`, { key });
      options.onOutcome?.(event, duplicate);
    } else if (result === "duplicate") intakeLog(event).info(`event ${event.name}: already received`);
  }

  function intakeLog(event: WebhookEvent): AppLog {
    // Runs named by a test's newRunId are named when handled, not here.
    return adaptLog(deliveryLog(loadedLog(), event, options.newRunId ? null : runIdForDelivery(event.id)));
  }

  function startWorker(app: Probot, store: DurableQueue, runLog: RunLog): QueueWorker {
    const installationOctokit = async (id: number | undefined, log?: Probot["log"]): Promise<OctokitLike> => {
      if (id === undefined) throw new Error("the event carries no installation");
      return observed(withLog(await app.auth(id), log));
    };
    // Probot makes a new Octokit per call (its tokens are cached, not its clients): one hook each.
    const observed = (octokit: Awaited<ReturnType<Probot["auth"]>>): OctokitLike => {
      const metrics = options.metrics;
      if (metrics)
        octokit.hook.before("request", (request) => {
          const surface = withheldSurface(request.method, request.url, request);
          if (surface) metrics.guardBlock(surface);
        });
      if (metrics)
        octokit.hook.after("request", (response) => {
          const resource = response.headers["x-ratelimit-resource"];
          const remaining = Number(response.headers["x-ratelimit-remaining"]);
          if (typeof resource === "string" && Number.isFinite(remaining))
            metrics.rateLimit(resource, remaining);
        });
      return octokit;
    };
    let botLogin: Promise<string> | undefined;
    const resolveBotLogin = (): Promise<string> =>
      (botLogin ??= app
        .auth()
        .then(async (octokit) => `${(await getAuthenticatedApp(octokit))?.slug ?? "patchwright"}[bot]`)
        // A failure is not remembered: the next event asks again.
        .catch((err: unknown) => {
          botLogin = undefined;
          throw err;
        }));
    // GHE_PROTOCOL as Probot reads it (read-app-env.ts allows https or http): git goes where the API does.
    const gheProtocol = env["GHE_PROTOCOL"] === "http" ? "http" : "https";
    const serverUrl =
      options.serverUrl ?? (env["GHE_HOST"] ? `${gheProtocol}://${env["GHE_HOST"]}` : "https://github.com");
    const remoteUrl = (owner: string, name: string): string =>
      options.gitUrl?.(owner, name) ?? `${serverUrl}/${owner}/${name}.git`;
    const installationToken = async (id: number | undefined, fresh = false): Promise<string> => {
      const octokit = await installationOctokit(id);
      const auth = await (octokit as unknown as { auth(o: object): Promise<{ token: string }> }).auth({
        type: "installation",
        ...(fresh ? { refresh: true } : {}),
      });
      return auth.token;
    };
    const octokitOf = (request: RunRequest): Promise<OctokitLike> =>
      installationOctokit(request.installationId, runLogger(app.log, request));
    const say = (what: string, send: (octokit: OctokitLike) => Promise<void>, request: RunRequest): void =>
      void octokitOf(request)
        .then(send)
        .catch((err: unknown) =>
          runLogger(app.log, request).warn(
            { error: (err as Error)?.message },
            `could not say that a run ${what}`,
          ),
        );
    const durableRuns: RunQueue = {
      add: async (request) => {
        const { replaced, waitsForRepository } = await store.enqueue(request);
        for (const old of replaced) {
          runLog.dropped(
            old.id,
            "replaced",
            "A newer request on the same thread replaced it while it waited.",
          );
          say("was replaced", (o) => notifyReplaced(o, old), old);
        }
        if (waitsForRepository) say("waits", (o) => notifyWaiting(o, request), request);
      },
      cancel: async (key) => {
        const stopped = await store.cancel(key);
        runLog.cancelled(key);
        return stopped;
      },
      claimTrigger: (key, delivery) => store.claimTrigger(key, delivery),
    };
    // Triggers are claimed in the durable queue whatever runs them.
    const queue: RunQueue = { ...durableRuns, ...options.runQueue?.(app) };

    const model = options.model ?? createModelClient({ provider: options.provider ?? "anthropic", env });
    let identity: Promise<Identity> | undefined;
    const base: Omit<ExecutorDeps, "botLogin" | "author" | "log"> = {
      octokitFor: octokitOf,
      tokenFor: (request, { fresh }) => installationToken(request.installationId, fresh),
      remoteUrlFor: (request) => remoteUrl(request.repository.owner, request.repository.name),
      model,
      defaultModel: DEFAULT_MODEL,
      env,
      // What the App holds (its webhook secret, key, model credentials) no run may ever send.
      knownSecrets: credentialValues(env),
      planKey,
      runLog,
      now: options.now ?? (() => new Date()),
      serverUrl,
      transcriptDir: join(stateDir, "transcripts"),
      ...(options.metrics ? { onReport: countReport(options.metrics) } : {}),
      ...(options.progressIntervalMs !== undefined ? { progressIntervalMs: options.progressIntervalMs } : {}),
    };
    const resolveIdentity = (octokit: OctokitLike): Promise<Identity> =>
      (identity ??= (async () => {
        const botLogin = await resolveBotLogin();
        return { botLogin, author: await botIdentity(octokit, botLogin) };
      })().catch((err: unknown) => {
        identity = undefined;
        throw err;
      }));
    // One executor per run, so every line it logs carries the run's delivery, id and repository.
    const executorFor = async (octokit: OctokitLike, log: AppLog): Promise<RunExecutor> =>
      createRunExecutor({ ...base, ...(await resolveIdentity(octokit)), log });

    const newRunId = options.newRunId ?? runIdForDelivery;
    const handleDelivery = async (event: WebhookEvent): Promise<void> => {
      const runId = newRunId(event.id);
      const bound = deliveryLog(app.log, event, runId);
      const log = adaptLog(bound);
      const installation = (event.payload as { installation?: { id?: number } } | null)?.installation?.id;
      try {
        // The installation's Octokit as runs get it (app.auth), so Octokit's throttling paces each
        // installation's writes under its own key, shared with its runs. Probot's context Octokit
        // ("event-octokit") leaves the key unset: every installation's acknowledgements then shared one
        // pace, a new comment every 3 s for the whole App (per process, or per Redis cluster).
        // Without an installation, Probot's context Octokit as it is: unauthenticated, saying why.
        const octokit = observed(
          installation !== undefined
            ? withLog(await app.auth(installation), bound)
            : ((await (await app.auth()).auth({ type: "event-octokit", event })) as Awaited<
                ReturnType<Probot["auth"]>
              >),
        );
        if (options.guardCheck !== false && isGuardCheckEvent(event)) {
          await guardCheckOn(event, octokit, installation, bound);
          if (screenEvent(event)) return;
        }
        const outcome = await handleEvent(event, {
          buddyHistory,
          octokit,
          queue,
          botLogin: await resolveBotLogin(),
          router: rulesRouter,
          newRunId: () => runId,
          now: options.now ?? (() => new Date()),
          log,
          // The App has `checks: write`: an invalid config on a pull request becomes a failed check.
          configCheckRuns: true,
          runLog,
        });
        log.info(`event ${event.name}: ${outcome.status}`, describe(outcome));
        options.onOutcome?.(event, outcome);
      } catch (err) {
        // Logged with the delivery; the queue keeps it as failed, so redelivering it handles it again.
        bound.error({ err }, `could not handle ${event.name}; redeliver it to retry`);
        options.onError?.(event, err);
        throw err;
      }
    };

    const guardCheckOn = async (
      event: WebhookEvent,
      octokit: OctokitLike,
      installation: number | undefined,
      bound: Probot["log"],
    ): Promise<void> => {
      const log = adaptLog(bound);
      try {
        const outcome = await runGuardCheck(event, {
          octokit,
          token: () => installationToken(installation),
          remoteUrl,
          log,
        });
        log.info(`leak guard check on ${event.name}: ${outcome.status}`, { ...outcome });
        if (outcome.status === "checked" && outcome.conclusion === "failure")
          options.metrics?.guardBlock("check_run");
      } catch (err) {
        bound.error({ err }, `could not run the leak guard check on ${event.name}`);
        options.onError?.(event, err);
      }
    };

    return store.work(
      {
        event: (delivery) => handleDelivery(delivery),
        run: async (request, restarts, signal) => {
          const log = adaptLog(runLogger(app.log, request));
          const octokit = await octokitOf(request);
          if (restarts > 0) {
            options.metrics?.runRestarted();
            log.warn("restarting a run whose worker stopped", { restarts });
            await notifyRestarted(octokit, request, restarts).catch(() => undefined);
          }
          const execute = await executorFor(octokit, log);
          await execute(restarts > 0 ? { ...request, restarts } : request, signal);
        },
        abandoned: async (request) => {
          adaptLog(runLogger(app.log, request)).warn("gave up a run whose workers stopped too often");
          runLog.dropped(
            request.id,
            "abandoned",
            "Given up: the worker running it stopped before it finished, again after each restart.",
          );
          await notifyAbandoned(await octokitOf(request), request);
        },
      },
      { eventConcurrency: options.intakeConcurrency ?? 8, runConcurrency: options.runConcurrency ?? 2 },
    );
  }

  const loaded = (): DurableQueue => {
    if (!durable) throw new Error("the App is not loaded yet");
    return durable;
  };
  const loadedLog = (): Probot["log"] => {
    if (!appLog) throw new Error("the App is not loaded yet");
    return appLog;
  };
  return {
    appFn,
    receive: (event) => {
      if (role === "worker") return Promise.reject(new Error("a worker takes no deliveries"));
      return ingress(event);
    },
    idle: async () => {
      // Deliveries become runs: wait until neither queue holds anything waiting or under way.
      await scheduler?.idle();
      await inbox?.drained();
      while (outstanding(await loaded().counts()) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    },
    stop: async (drainMs) => {
      scheduler?.stop();
      // A read under way against a slow or unreachable GitHub is not waited for long: what it would have
      // stored, the next start's catch-up stores.
      if (scheduler) await settleWithin(scheduler.idle(), SCHEDULER_STOP_MS);
      const result = (await worker?.stop(drainMs)) ?? { requeued: 0 };
      await inbox?.close(INBOX_CLOSE_MS);
      await durable?.close();
      if (!options.runStore) runStore.close();
      return result;
    },
    cancel: async (key) => {
      const stopped = await loaded().cancel(key);
      runLog?.cancelled(key);
      return stopped;
    },
    runStore,
    pageKey,
    scheduler: () => scheduler,
    inbox: () => inbox,
  };
}

function countReport(metrics: Metrics): (request: RunRequest, report: RunReport) => void {
  return (request, report) => {
    metrics.runFinished(request.kind, report.outcome, report.elapsedMs / 1000);
    if (report.agent) metrics.modelCost(request.kind, report.agent.costUsd);
    if (report.outcome === "blocked") metrics.guardBlock("push");
  };
}

/**
 * The surface a request sends a text the leak guard withheld on (guarded-comments.ts replaces such a text
 * with its notice, which is all that leaves), counted where it leaves: the installation's Octokit.
 */
function withheldSurface(method: string, url: string, params: Record<string, unknown>): string | undefined {
  const withheld = (text: unknown): boolean => typeof text === "string" && text.startsWith(WITHHELD);
  if (method !== "POST" && method !== "PATCH") return undefined;
  if (/\/issues\/(\{issue_number\}|comments\/\{comment_id\})(\/comments)?$/.test(url))
    return withheld(params["body"]) ? "comment" : undefined;
  if (/\/pulls(\/\{pull_number\})?$/.test(url))
    return withheld(params["body"]) || withheld(params["title"]) ? "pull_request" : undefined;
  if (/\/pulls\/\{pull_number\}\/reviews$/.test(url)) {
    const comments = Array.isArray(params["comments"]) ? (params["comments"] as { body?: unknown }[]) : [];
    return withheld(params["body"]) || comments.some((c) => withheld(c.body)) ? "review" : undefined;
  }
  return undefined;
}

function describe(outcome: Outcome): Record<string, unknown> {
  switch (outcome.status) {
    case "queued":
      return { run: outcome.request.id, kind: outcome.request.kind };
    case "duplicate":
      return { key: outcome.key };
    case "scheduled":
      return { runs: outcome.requests.map((r) => r.id), kind: "maintenance" };
    default:
      return { reason: outcome.reason };
  }
}

function repositoryOf(payload: unknown): string | undefined {
  const repository = (payload as { repository?: { full_name?: unknown } } | null)?.repository;
  return typeof repository?.full_name === "string" ? repository.full_name : undefined;
}

type AppLog = FrontDoorLog & { warn: FrontDoorLog["warn"] };
type Identity = Pick<ExecutorDeps, "botLogin" | "author">;

// How long a stopping server waits for the scheduler's reads under way.
const SCHEDULER_STOP_MS = 2_000;
// How long a stopping server tries to hand its inbox's deliveries to Redis; the rest wait for its restart.
const INBOX_CLOSE_MS = 5_000;

async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Octokit's own lines (each request, at debug level) then say which delivery or run they were for. */
function withLog(
  octokit: Awaited<ReturnType<Probot["auth"]>>,
  log: Probot["log"] | undefined,
): Awaited<ReturnType<Probot["auth"]>> {
  if (log) octokit.log = log;
  return octokit;
}

/**
 * The App's logger bound to one delivery: every line of its intake and handling says which delivery, which
 * run it starts (derived from the delivery unless a test names runs) and which repository. Nothing else is
 * bound: a payload's text, and tokens, never reach a log line.
 */
function deliveryLog(log: Probot["log"], event: WebhookEvent, runId: string | null): Probot["log"] {
  const repository = repositoryOf(event.payload);
  return log.child({
    deliveryId: event.id,
    ...(runId !== null ? { runId } : {}),
    ...(repository !== undefined ? { repository } : {}),
  });
}

/** The App's logger bound to one run, on whichever worker runs it. */
function runLogger(log: Probot["log"], request: RunRequest): Probot["log"] {
  return log.child({
    deliveryId: request.trigger.deliveryId,
    runId: request.id,
    repository: `${request.repository.owner}/${request.repository.name}`,
  });
}

function adaptLog(log: Probot["log"]): AppLog {
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
  };
}
