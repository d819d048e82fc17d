import { randomUUID } from "node:crypto";
import PQueue from "p-queue";
import type { ApplicationFunction, Context, Probot } from "probot";
import type { OctokitLike } from "../github/octokit-like.js";
import { rulesRouter } from "../request/route-intent.js";
import {
  handleEvent,
  screenEvent,
  type FrontDoorLog,
  type Outcome,
  type WebhookEvent,
} from "../runs/front-door.js";
import { notBuiltExecutor } from "../runs/not-built-executor.js";
import { InProcessRunQueue, type RunQueue } from "../runs/run-queue.js";

export interface AppOptions {
  /** Events worked on at once after GitHub has been answered. */
  intakeConcurrency?: number;
  runConcurrency?: number;
  newRunId?: () => string;
  now?: () => Date;
  /** Replaces the in-process run queue (tests, or a durable queue). */
  queue?: (app: Probot) => RunQueue;
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
  let queue: RunQueue | undefined;

  const appFn: ApplicationFunction = (app) => {
    const log = adaptLog(app.log);
    const installationOctokit = async (id: number | undefined): Promise<OctokitLike> => {
      if (id === undefined) throw new Error("the event carries no installation");
      return app.auth(id);
    };
    queue =
      options.queue?.(app) ??
      new InProcessRunQueue(
        notBuiltExecutor((request) => installationOctokit(request.installationId), log),
        { error: (message, fields) => app.log.error(fields ?? {}, message) },
        options.runConcurrency ?? 2,
      );
    let botLogin: Promise<string> | undefined;
    const resolveBotLogin = (): Promise<string> =>
      (botLogin ??= app.auth().then(async (octokit) => {
        const { data } = await octokit.request("GET /app");
        return `${data?.slug ?? "patchwright"}[bot]`;
      }));

    app.onAny((emitted) => {
      // Probot hands every handler a Context (with an installation Octokit), though onAny's type omits it.
      const context = emitted as unknown as Context;
      const event: WebhookEvent = { id: context.id, name: context.name, payload: context.payload };
      const screened = screenEvent(event);
      if (screened) {
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
            octokit: context.octokit,
            queue: queue!,
            botLogin: await resolveBotLogin(),
            router: rulesRouter,
            newRunId: options.newRunId ?? randomUUID,
            now: options.now ?? (() => new Date()),
            log,
          });
          log.info(`event ${event.name}: ${outcome.status}`, { delivery: event.id, ...describe(outcome) });
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

function adaptLog(log: Probot["log"]): FrontDoorLog & { warn: FrontDoorLog["warn"] } {
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
  };
}
