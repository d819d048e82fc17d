import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Probot } from "probot";
import { createMetrics } from "../runs/metrics.js";
import { openQueue } from "../runs/queue/open-queue.js";
import { startHousekeeping } from "../runs/housekeeping.js";
import { createPatchwrightApp, type AppOptions, type AppRole } from "./app.js";
import { PatchwrightOctokit } from "./octokit.js";
import type { AppEnv } from "./read-app-env.js";
import { RunStore } from "../runs/run-log/run-store.js";
import { createWebRoutes } from "./web/web-routes.js";
import { createWebhookServer, type ServerLog } from "./webhook-server.js";

export interface RunningApp {
  /** Where GitHub's deliveries are received, e.g. http://127.0.0.1:3000/api/github/webhooks. */
  webhookUrl: string;
  log: ServerLog;
  /**
   * Stops: no new deliveries (the server closes), no new work (the worker stops taking jobs), runs under
   * way finish for up to the drain time and the rest go back to the queue for another worker.
   */
  close(): Promise<{ requeued: number }>;
}

/**
 * Probot for what it is good at (App authentication, installation tokens, Octokit), behind our own
 * server, which checks every delivery's signature and hands it straight to the App's intake
 * (webhook-server.ts); Probot's webhook machinery never sees it. Probot's
 * `run()` is not used: without credentials it starts a setup page that writes whatever it is posted to
 * `.env`, and without WEBHOOK_SECRET it verifies deliveries with the public secret "development".
 *
 * `role`: `serve` receives and stores deliveries and keeps house (reconciliation, retention), `worker`
 * handles deliveries and runs, `all` both. Every role answers /healthz, /readyz and /metrics.
 */
export async function startApp(
  config: AppEnv,
  options: AppOptions & { role?: AppRole } = {},
): Promise<RunningApp> {
  const role = options.role ?? "all";
  const probot = new Probot({
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    baseUrl: config.baseUrl,
    Octokit: PatchwrightOctokit,
    logLevel: config.log.level,
    logFormat: config.log.format,
    logLevelInString: config.log.levelInString,
    ...(config.log.messageKey ? { logMessageKey: config.log.messageKey } : {}),
    ...(config.log.sentryDsn ? { sentryDsn: config.log.sentryDsn } : {}),
    // With Redis, Probot clusters Octokit's throttling through it: N workers share GitHub's limits.
    ...(config.redisUrl ? { redisConfig: config.redisUrl } : {}),
  });
  // Probot makes its logger when it is loaded: read at each call, not now.
  const queueLog = {
    info: (message: string, fields?: Record<string, unknown>) => probot.log.info(fields ?? {}, message),
    warn: (message: string, fields?: Record<string, unknown>) => probot.log.warn(fields ?? {}, message),
    error: (message: string, fields?: Record<string, unknown>) => probot.log.error(fields ?? {}, message),
  };
  const queue = options.queue ?? openQueue(config.queue, queueLog);
  const metrics = createMetrics({ queueCounts: () => queue.counts() });
  const runStore =
    options.runStore ??
    new RunStore(join(config.queue.stateDir, "runs.sqlite"), { retentionMs: config.queue.retentionMs });
  const app = createPatchwrightApp({
    provider: config.provider,
    planKey: config.planKey,
    runConcurrency: config.runConcurrency,
    stateDir: config.queue.stateDir,
    metrics,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    // The server role schedules maintenance (app.ts starts it only outside the worker role).
    ...(config.scheduler ? { scheduler: {} } : {}),
    inbox: config.inbox,
    ...options,
    role,
    queue,
    runStore,
  });
  await probot.load(app.appFn);
  const log = probot.log;

  let stopping = false;
  const server = createWebhookServer({
    secret: config.webhookSecret,
    path: config.webhookPath,
    log,
    // Verified and parsed by the server, then stored by the App's intake: not through Probot's `receive`,
    // whose per-delivery Octokit, logger and event emitter the intake has no use for.
    ...(role === "worker" ? {} : { receive: (delivery) => app.receive(delivery) }),
    ready: async () => {
      if (stopping) return { ok: false, problem: "stopping" };
      // A server with an inbox takes deliveries while Redis is away (and hands them over once it is
      // back): taken out of the load balancer, it would turn them into failed deliveries instead.
      const inbox = app.inbox();
      if (inbox)
        return inbox.full
          ? { ok: false, problem: "the delivery inbox is full: the redis queue does not take deliveries" }
          : { ok: true };
      try {
        await queue.ping();
        return { ok: true };
      } catch {
        return { ok: false, problem: `the ${queue.backend} queue does not answer` };
      }
    },
    metrics: metrics.render,
    ...(role === "worker"
      ? {}
      : {
          web: createWebRoutes({
            store: runStore,
            pageKey: app.pageKey,
            ...(config.adminToken ? { adminToken: config.adminToken } : {}),
            queueCounts: () => queue.counts(),
            cancel: (key) => app.cancel(key),
            secureCookies: config.publicUrl?.startsWith("https://") ?? false,
            log,
          }),
        }),
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    onAck: metrics.ackObserved,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const housekeeping =
    role === "worker"
      ? undefined
      : startHousekeeping({
          queue,
          appOctokit: async () => await probot.auth(),
          transcriptDir: join(config.queue.stateDir, "transcripts"),
          runStore,
          retentionMs: config.queue.retentionMs,
          reconcileMs: config.reconcileMs,
          log: queueLog,
        });
  if (role !== "worker") {
    if (!config.publicUrl)
      log.info(
        {},
        "tracking comments carry no run page link: set PATCHWRIGHT_PUBLIC_URL to this server's address to add one",
      );
    if (queue.backend === "redis")
      log.info(
        {},
        "run pages show the runs of workers that share this server's PATCHWRIGHT_STATE_DIR (see docs/run-page.md)",
      );
  }
  const { address, port, family } = server.address() as AddressInfo;
  const host = family === "IPv6" ? `[${address}]` : address;
  const webhookUrl = `http://${host}:${port}${config.webhookPath}`;
  log.info(
    { role, queue: queue.backend },
    role === "worker"
      ? `worker up, health at http://${host}:${port}/healthz`
      : `receiving webhooks at ${webhookUrl}`,
  );
  return {
    webhookUrl,
    log,
    close: async () => {
      stopping = true;
      housekeeping?.stop();
      const closed = new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
      server.closeIdleConnections();
      const result = await app.stop(config.drainMs);
      await closed;
      if (!options.runStore) runStore.close();
      return result;
    },
  };
}
