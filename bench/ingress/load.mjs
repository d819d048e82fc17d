// Open-loop load generator for `npm run bench:ingress`: posts signed deliveries to one server at a fixed
// rate, on schedule, without waiting for earlier answers (a slow server does not slow the sender down), over
// a keep-alive http.Agent. Records, per request, the time from sending to the end of the response and the
// status code (or the error). Bounded in count, in sending time and per request (timeout).
import { randomUUID } from "node:crypto";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { clearTimeout, setTimeout } from "node:timers";

export const WEBHOOK_PATH = "/api/github/webhooks";

function post(agent, port, delivery, timeoutMs, done) {
  const sentAt = performance.now();
  let finished = false;
  const finish = (result) => {
    if (finished) return;
    finished = true;
    done({ kind: delivery.kind, id: delivery.id, sentAt, latencyMs: performance.now() - sentAt, ...result });
  };
  const req = http.request(
    {
      host: "127.0.0.1",
      port,
      method: "POST",
      path: WEBHOOK_PATH,
      agent,
      headers: {
        "content-type": "application/json",
        "content-length": delivery.body.length,
        "user-agent": "GitHub-Hookshot/bench",
        "x-github-event": delivery.event,
        // A fixed id when the delivery has one (a duplicate or a redelivery keeps its id), else a fresh one.
        "x-github-delivery": delivery.id ?? randomUUID(),
        "x-hub-signature-256": delivery.signature,
      },
    },
    (res) => {
      res.resume();
      res.on("end", () => finish({ status: res.statusCode }));
      res.on("error", (err) => finish({ error: err.code ?? err.message }));
    },
  );
  req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
  req.on("error", (err) => finish({ error: err.code ?? err.message }));
  req.end(delivery.body);
}

/**
 * Sends `deliveries` to 127.0.0.1:`port` at `rate` per second (or each at its own `atMs` after the start,
 * when deliveries carry one, in ascending order), stopping early after `maxSeconds` of sending.
 * Resolves when every sent request has an answer or an error: { samples, startedAt, lastResponseAt,
 * sendSeconds, maxSendLagMs } (times from performance.now(); lag = how late a request left its slot).
 */
export function runLoad({ port, deliveries, rate, maxSeconds, timeoutMs }) {
  // Idle sockets are closed by this side first (4 s, under Node servers' 5 s keep-alive timeout): otherwise
  // a socket the server closes just as a request goes out on it fails with ECONNRESET, whoever the server.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, timeout: 4000 });
  const interval = 1000 / rate;
  const slot = (i) => deliveries[i].atMs ?? i * interval;
  const samples = [];
  let next = 0;
  let sending = true;
  let maxSendLagMs = 0;
  let lastResponseAt = 0;
  const t0 = performance.now();
  let sendEnd = t0;

  return new Promise((resolve) => {
    let hardStop;
    const finishRun = () => {
      clearTimeout(hardStop);
      agent.destroy();
      resolve({
        samples,
        startedAt: t0,
        lastResponseAt,
        sendSeconds: (sendEnd - t0) / 1000,
        maxSendLagMs,
      });
    };
    const onDone = (sample) => {
      samples.push(sample);
      lastResponseAt = Math.max(lastResponseAt, performance.now());
      if (!sending && samples.length === next) finishRun();
    };
    const tick = () => {
      const elapsed = performance.now() - t0;
      while (next < deliveries.length && slot(next) <= elapsed && elapsed < maxSeconds * 1000) {
        maxSendLagMs = Math.max(maxSendLagMs, elapsed - slot(next));
        post(agent, port, deliveries[next], timeoutMs, onDone);
        next += 1;
      }
      if (next < deliveries.length && elapsed < maxSeconds * 1000) {
        setTimeout(tick, Math.max(0, slot(next) - (performance.now() - t0)));
        return;
      }
      sending = false;
      sendEnd = performance.now();
      // Every request has its own timeout; this only guards against a request that never settles.
      hardStop = setTimeout(finishRun, timeoutMs + 5_000);
      if (samples.length === next) finishRun();
    };
    tick();
  });
}

/** Sends deliveries one after the other (closed loop), to warm a server up; results are discarded. */
export async function warmUp({ port, deliveries, timeoutMs }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  try {
    for (const delivery of deliveries) {
      const sample = await new Promise((resolve) => post(agent, port, delivery, timeoutMs, resolve));
      if (sample.error || sample.status >= 300) {
        throw new Error(`warm-up delivery failed: ${sample.error ?? `HTTP ${sample.status}`}`);
      }
    }
  } finally {
    agent.destroy();
  }
}
