import { connect } from "node:net";
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

/**
 * Redis's MONITOR on a plain socket: `onCommand` is told the arguments of each command any client sends.
 * ioredis's own `monitor()` throws "Command queue state error" when another client's command arrives in
 * the same read as MONITOR's OK, which parallel test files make likely.
 */
export async function monitorRedis(onCommand: (args: string[]) => void): Promise<{ close(): void }> {
  const { hostname, port } = new URL(REDIS_URL);
  const socket = connect(Number(port || 6379), hostname);
  socket.setEncoding("utf8");
  let buffered = "";
  let started: (() => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    socket.once("error", reject);
  });
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf("\r\n"); end >= 0; end = buffered.indexOf("\r\n")) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (line === "+OK") started?.();
      // `+1700000000.000000 [0 127.0.0.1:5000] "cmd" "arg" ...`, each argument quoted and escaped.
      else if (line.startsWith("+"))
        onCommand([...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, "$1")));
    }
  });
  socket.write("MONITOR\r\n");
  await ready;
  return { close: () => socket.destroy() };
}
