import type { AddressInfo } from "node:net";
import { Probot } from "probot";
import { createPatchwrightApp, type AppOptions } from "./app.js";
import { PatchwrightOctokit } from "./octokit.js";
import type { AppEnv } from "./read-app-env.js";
import { createWebhookServer, type ServerLog } from "./webhook-server.js";

export interface RunningApp {
  /** Where GitHub's deliveries are received, e.g. http://127.0.0.1:3000/api/github/webhooks. */
  webhookUrl: string;
  log: ServerLog;
  /** Stops receiving deliveries. */
  close(): Promise<void>;
}

/**
 * Probot for what it is good at (App authentication, installation tokens, Octokit), behind our own
 * server, which checks every delivery's signature before Probot sees it (webhook-server.ts). Probot's
 * `run()` is not used: without credentials it starts a setup page that writes whatever it is posted to
 * `.env`, and without WEBHOOK_SECRET it verifies deliveries with the public secret "development".
 */
export async function startApp(config: AppEnv, options: AppOptions = {}): Promise<RunningApp> {
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
    ...(config.redisUrl ? { redisConfig: config.redisUrl } : {}),
  });
  await probot.load(
    createPatchwrightApp({ provider: config.provider, planKey: config.planKey, ...options }).appFn,
  );
  const log = probot.log;
  const server = createWebhookServer({
    secret: config.webhookSecret,
    path: config.webhookPath,
    log,
    // Verified by the server: Probot's `receive` hands it to the App without checking again.
    receive: (delivery) => probot.receive(delivery as Parameters<Probot["receive"]>[0]),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port, family } = server.address() as AddressInfo;
  const host = family === "IPv6" ? `[${address}]` : address;
  const webhookUrl = `http://${host}:${port}${config.webhookPath}`;
  log.info({}, `receiving webhooks at ${webhookUrl}`);
  return {
    webhookUrl,
    log,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
