import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import PQueue from "p-queue";
import type { ApplicationFunction, Context, Probot } from "probot";
import { createModelClient, type ModelProvider } from "../agent/model/model-provider.js";
import { DEFAULT_MODEL } from "../agent/model/default-model.js";
import type { ModelClient } from "../agent/model-types.js";
import { getAuthenticatedApp } from "../github/authenticated-app.js";
import { botIdentity } from "../github/identity.js";
import type { OctokitLike } from "../github/octokit-like.js";
import { credentialValues } from "../workspace/sandbox/scrubbed-env.js";
import { rulesRouter } from "../request/route-intent.js";
import { HistoryCache } from "../runs/buddy/history-cache.js";
import { handleEvent, screenEvent } from "../runs/front-door.js";
import type { FrontDoorLog, Outcome, WebhookEvent } from "../runs/front-door/types.js";
import { createRunExecutor } from "../runs/execute-run.js";
import { isGuardCheckEvent, runGuardCheck } from "../runs/guard-check-run.js";
import type { ExecutorDeps } from "../runs/executor-deps.js";
import { notifyWaiting } from "../runs/messages.js";
import { FileRunJournal, journaled, reportInterruptedRuns } from "../runs/run-journal.js";
import { InProcessRunQueue, type RunExecutor, type RunQueue } from "../runs/run-queue.js";

export interface AppOptions {
  /** Events worked on at once after GitHub has been answered. */
  intakeConcurrency?: number;
  runConcurrency?: number;
  newRunId?: () => string;
  now?: () => Date;
  /** Replaces the in-process run queue (tests, or a durable queue). */
  queue?: (app: Probot) => RunQueue;
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
  /** Where the journal of runs under way is kept (PATCHWRIGHT_STATE_DIR, default `.patchwright`). */
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
  /** Told what became of each event, and of each failure (metrics, tests). */
  onOutcome?: (event: WebhookEvent, outcome: Outcome) => void;
  onError?: (event: WebhookEvent, error: unknown) => void;
}

// Triggers this process has handled, so a redelivery costs no API call; bounded, the marker on the
// tracking comment is what makes it hold across restarts.
const SEEN_LIMIT = 10_000;
// Events waiting for the intake. GitHub's write limits (about one comment every few seconds per process)
// bound how fast mentions are acknowledged; past this many waiting, new ones are refused loudly rather
// than growing memory without end.
const INTAKE_LIMIT = 5_000;

export interface PatchwrightApp {
  appFn: ApplicationFunction;
  /** Resolves when every received event has been handled (tests, graceful shutdown). */
  idle(): Promise<void>;
}

/**
 * The GitHub App: the only place that knows Probot. A webhook is answered as soon as it is verified and
 * put on the intake; loading the config, checking permissions and acknowledging happen after, so GitHub
 * never waits on them.
 */
export function createPatchwrightApp(options: AppOptions = {}): PatchwrightApp {
  const intake = new PQueue({ concurrency: options.intakeConcurrency ?? 8 });
  const seen = new Set<string>();
  const buddyHistory = new HistoryCache();
  let queue: RunQueue | undefined;

  const appFn: ApplicationFunction = (app) => {
    const log = adaptLog(app.log);
    const installationOctokit = async (id: number | undefined): Promise<OctokitLike> => {
      if (id === undefined) throw new Error("the event carries no installation");
      return app.auth(id);
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
    const env = options.env ?? process.env;
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
    if (options.queue) queue = options.queue(app);
    else {
      const stateDir = options.stateDir ?? env["PATCHWRIGHT_STATE_DIR"] ?? ".patchwright";
      const journal = new FileRunJournal(join(stateDir, "runs.json"));
      const model = options.model ?? createModelClient({ provider: options.provider ?? "anthropic", env });
      let executor: Promise<RunExecutor> | undefined;
      const base: Omit<ExecutorDeps, "botLogin" | "author"> = {
        octokitFor: (request) => installationOctokit(request.installationId),
        tokenFor: (request, { fresh }) => installationToken(request.installationId, fresh),
        remoteUrlFor: (request) => remoteUrl(request.repository.owner, request.repository.name),
        model,
        defaultModel: DEFAULT_MODEL,
        env,
        // What the App holds (its webhook secret, key, model credentials) no run may ever send.
        knownSecrets: credentialValues(env),
        planKey: options.planKey ?? randomBytes(32),
        now: options.now ?? (() => new Date()),
        log,
        serverUrl,
        transcriptDir: join(stateDir, "transcripts"),
        ...(options.progressIntervalMs !== undefined
          ? { progressIntervalMs: options.progressIntervalMs }
          : {}),
      };
      const resolveExecutor = (octokit: OctokitLike): Promise<RunExecutor> =>
        (executor ??= (async () => {
          const login = await resolveBotLogin();
          return createRunExecutor({ ...base, botLogin: login, author: await botIdentity(octokit, login) });
        })().catch((err: unknown) => {
          executor = undefined;
          throw err;
        }));
      queue = new InProcessRunQueue(
        journaled(async (request, signal) => {
          const octokit = await installationOctokit(request.installationId);
          await (
            await resolveExecutor(octokit)
          )(request, signal);
        }, journal),
        { error: (message, fields) => app.log.error(fields ?? {}, message) },
        {
          concurrency: options.runConcurrency ?? 2,
          onWaiting: (request) =>
            void installationOctokit(request.installationId)
              .then((octokit) => notifyWaiting(octokit, request))
              .catch((err: unknown) => app.log.warn({ err }, "could not say that a run waits")),
        },
      );
      void reportInterruptedRuns(journal, installationOctokit, log).catch((err: unknown) =>
        app.log.warn({ err }, "could not read the journal of runs under way"),
      );
    }

    app.onAny((emitted) => {
      // Probot hands every handler a Context (with an installation Octokit), though onAny's type omits it.
      const context = emitted as unknown as Context;
      const event: WebhookEvent = { id: context.id, name: context.name, payload: context.payload };
      // Beside whatever else the event asks for (an automatic review), and whoever opened the pull request.
      const guardCheck = options.guardCheck !== false && isGuardCheckEvent(event);
      if (guardCheck && intake.size >= INTAKE_LIMIT) {
        app.log.error({ delivery: event.id }, "intake full: no leak guard check; redeliver the event");
        options.onError?.(event, new Error("intake full"));
      } else if (guardCheck) {
        const installation = (event.payload as { installation?: { id?: number } }).installation?.id;
        void intake
          .add(async () => {
            const outcome = await runGuardCheck(event, {
              octokit: context.octokit,
              token: () => installationToken(installation),
              remoteUrl,
              log,
            });
            log.info(`leak guard check on ${event.name}: ${outcome.status}`, {
              delivery: event.id,
              repository: repositoryOf(event.payload),
              ...outcome,
            });
          })
          .catch((err: unknown) => {
            app.log.error({ delivery: event.id, err }, `could not run the leak guard check on ${event.name}`);
            options.onError?.(event, err);
          });
      }
      const screened = screenEvent(event);
      if (screened) {
        // Said from the screen's reason and the payload's repository: never the text of a comment.
        log.info(`event ${event.name}: ${screened.status}`, {
          delivery: event.id,
          repository: repositoryOf(event.payload),
          ...describe(screened),
        });
        options.onOutcome?.(event, screened);
        return Promise.resolve();
      }
      if (intake.size >= INTAKE_LIMIT) {
        app.log.error(
          { delivery: event.id },
          `intake full: dropped ${event.name}; redeliver it from the App's settings`,
        );
        options.onError?.(event, new Error("intake full"));
        return Promise.resolve();
      }
      if (seen.size >= SEEN_LIMIT) seen.clear();
      void intake
        .add(async () => {
          const outcome = await handleEvent(event, {
            seen,
            buddyHistory,
            octokit: context.octokit,
            queue: queue!,
            botLogin: await resolveBotLogin(),
            router: rulesRouter,
            newRunId: options.newRunId ?? randomUUID,
            now: options.now ?? (() => new Date()),
            log,
            // The App has `checks: write`: an invalid config on a pull request becomes a failed check.
            configCheckRuns: true,
          });
          log.info(`event ${event.name}: ${outcome.status}`, {
            delivery: event.id,
            repository: repositoryOf(event.payload),
            ...describe(outcome),
          });
          options.onOutcome?.(event, outcome);
        })
        .catch((err: unknown) => {
          // A failure here must not crash the server; it is logged with the delivery to redeliver.
          app.log.error({ delivery: event.id, err }, `could not handle ${event.name}`);
          options.onError?.(event, err);
        });
      return Promise.resolve();
    });
  };

  return {
    appFn,
    idle: async () => {
      await intake.onIdle();
      await queue?.onIdle();
    },
  };
}

function describe(outcome: Outcome): Record<string, unknown> {
  switch (outcome.status) {
    case "queued":
      return { run: outcome.request.id, kind: outcome.request.kind };
    case "duplicate":
      return { key: outcome.key };
    default:
      return { reason: outcome.reason };
  }
}

function repositoryOf(payload: unknown): string | undefined {
  const repository = (payload as { repository?: { full_name?: unknown } } | null)?.repository;
  return typeof repository?.full_name === "string" ? repository.full_name : undefined;
}

function adaptLog(log: Probot["log"]): FrontDoorLog & { warn: FrontDoorLog["warn"] } {
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
  };
}
