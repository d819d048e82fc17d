import { gitHubStatus } from "../github/errors.js";
import {
  deliverySucceeded,
  hookDeliveryPages,
  redeliverHookDelivery,
  type HookDelivery,
} from "../github/hook-deliveries.js";
import type { OctokitLike } from "../github/octokit-like.js";
import { TooManyPagesError } from "../github/paginate.js";

export interface ReconcileLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface ReconcileOptions {
  /** Authenticated as the App (a JWT): the deliveries endpoints refuse installation tokens. */
  octokit: OctokitLike;
  now: () => Date;
  log: ReconcileLog;
  /** How far back to look; GitHub keeps deliveries, and redelivers them, for 3 days. */
  days?: number;
  /** Redeliveries asked for in one call, at most. */
  maxRedeliveries?: number;
  /** Pages of 100 deliveries read in one call, at most. */
  maxPages?: number;
}

export interface ReconcileResult {
  /** Delivery attempts read within the window. */
  examined: number;
  /** Events (guids) none of whose attempts succeeded: `redelivered` + `errors` + those left for the cap. */
  failed: number;
  /** Redeliveries GitHub accepted. */
  redelivered: number;
  /** Events that failed once but were since delivered with success: nothing to do. */
  skipped: number;
  /**
   * Events the App refused on purpose at their last attempt (a 4xx: bad signature, not JSON, too large):
   * redelivering them would be refused again, so they are left for a person to look at.
   */
  refused: number;
  /** Requests that failed: redeliveries GitHub refused, and the listing when it broke off. */
  errors: number;
}

const DAY_MS = 86_400_000;

/**
 * Redelivers the App's webhook events that never reached it; GitHub does not redeliver on its own.
 *
 * - Walks the App's deliveries newest first, page by page, and stops paging at the first page that reaches
 *   back past `days` (attempts older than that are not counted), or after `maxPages` pages.
 * - Groups attempts by `guid`: a redelivery is a new attempt of the same event, with the same guid.
 * - An event needs redelivery when none of its attempts succeeded (2xx). So a failure already redelivered
 *   with success is skipped, and one whose redelivery failed too is tried again.
 * - Each such event is redelivered once (by its newest attempt's id), newest event first (by its first
 *   attempt), at most `maxRedeliveries` per call; the rest wait for the next call.
 * - An event whose newest attempt the App answered with a 4xx (other than 408 and 429) is not redelivered:
 *   the App refused it on purpose (a signature that does not match, a body that is not JSON), and would
 *   again; with a wrong WEBHOOK_SECRET, redelivering would only crowd the list. Counted in `refused`.
 * - A refused redelivery is logged and counted in `errors`, never thrown; the others go on.
 * - A listing that fails part way is one warning and counts in `errors`; the events read before it are
 *   still reconciled (a needless redelivery starts no second run: ingress is idempotent).
 *
 * Logs name deliveries by guid, id, event and action: never a payload (the list carries none).
 */
export async function reconcileDeliveries({
  octokit,
  now,
  log,
  days = 3,
  maxRedeliveries = 50,
  maxPages = 10,
}: ReconcileOptions): Promise<ReconcileResult> {
  const since = now().getTime() - days * DAY_MS;
  const result: ReconcileResult = {
    examined: 0,
    failed: 0,
    redelivered: 0,
    skipped: 0,
    refused: 0,
    errors: 0,
  };
  // An event's attempts by guid.
  const attempts = new Map<string, HookDelivery[]>();
  try {
    for await (const page of hookDeliveryPages(octokit, maxPages)) {
      const recent = page.filter((d) => Date.parse(d.delivered_at) >= since);
      for (const delivery of recent) {
        const same = attempts.get(delivery.guid);
        if (same) same.push(delivery);
        else attempts.set(delivery.guid, [delivery]);
      }
      result.examined += recent.length;
      if (recent.length < page.length) break;
    }
  } catch (err) {
    if (err instanceof TooManyPagesError) {
      log.warn(
        `more webhook deliveries came in the last ${days} days than the ${maxPages} pages a ` +
          `reconciliation reads; it looked at the newest ${result.examined}`,
      );
    } else {
      result.errors++;
      log.warn(
        "could not list the App's webhook deliveries; those read before are reconciled, the rest wait " +
          "for the next reconciliation",
        { error: reason(err) },
      );
    }
  }

  const toRedeliver: { first: number; newest: HookDelivery }[] = [];
  for (const group of attempts.values()) {
    if (group.every(deliverySucceeded)) continue;
    if (group.some(deliverySucceeded)) {
      result.skipped++;
      continue;
    }
    const times = group.map((d) => Date.parse(d.delivered_at));
    const newest = group[times.indexOf(Math.max(...times))]!;
    if (refusedOnPurpose(newest)) {
      result.refused++;
      continue;
    }
    toRedeliver.push({ first: Math.min(...times), newest });
  }
  result.failed = toRedeliver.length;
  toRedeliver.sort((a, b) => b.first - a.first);

  for (const { newest } of toRedeliver.slice(0, maxRedeliveries)) {
    const fields = { guid: newest.guid, delivery: newest.id, event: newest.event, action: newest.action };
    try {
      await redeliverHookDelivery(octokit, newest.id);
      result.redelivered++;
      log.info("asked GitHub to redeliver a webhook delivery that failed", {
        ...fields,
        status: newest.status,
      });
    } catch (err) {
      result.errors++;
      log.warn("could not redeliver a failed webhook delivery", { ...fields, error: reason(err) });
    }
  }
  if (toRedeliver.length > maxRedeliveries) {
    log.info(
      `${toRedeliver.length - maxRedeliveries} failed webhook deliveries wait for the next ` +
        `reconciliation: it redelivers at most ${maxRedeliveries} at a time`,
    );
  }
  return result;
}

/** GitHub's status and the first line of its message: the error, never a request or payload. */
function reason(err: unknown): string {
  const message = (err instanceof Error ? err.message : String(err)).split("\n")[0]!.slice(0, 300);
  const status = gitHubStatus(err);
  return status === undefined ? message : `GitHub answered ${status}: ${message}`;
}

/** A 4xx from the App itself, other than "too slow" (408) and "too many" (429), which may pass next time. */
function refusedOnPurpose(delivery: HookDelivery): boolean {
  const code = delivery.status_code;
  return code >= 400 && code < 500 && code !== 408 && code !== 429;
}
