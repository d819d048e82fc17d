import { Redis } from "ioredis";

export const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";

/**
 * Whether the Redis the queue tests need answers. Under CI=true a missing Redis fails the run (the project's
 * machines run one); elsewhere those tests are skipped, and one line says so.
 */
export async function redisAnswers(): Promise<boolean> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (err) {
    if (process.env["CI"] === "true")
      throw new Error(`Redis does not answer at ${REDIS_URL} (${(err as Error).message}): CI needs it.`);
    process.stderr.write(`Redis does not answer at ${REDIS_URL}: the Redis queue tests are skipped.\n`);
    return false;
  } finally {
    client.disconnect();
  }
}
