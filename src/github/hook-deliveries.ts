import { z } from "zod";
import type { OctokitLike } from "./octokit-like.js";
import { listCursorPages } from "./paginate.js";

/**
 * One attempt at delivering an event to the App's webhook, as `GET /app/hook/deliveries` lists it (no
 * payload: the list never carries one). A redelivery is a new attempt with its own `id` and the same `guid`.
 */
export const HookDelivery = z.object({
  id: z.number().int(),
  guid: z.string(),
  delivered_at: z.iso.datetime({ offset: true }),
  redelivery: z.boolean(),
  /** GitHub's word for the outcome: "OK", "Invalid HTTP Response: 503", "failed to connect"… */
  status: z.string(),
  /** What the App's server answered; 0 when GitHub got no answer. */
  status_code: z.number().int(),
  event: z.string(),
  action: z.string().nullable(),
});
export type HookDelivery = z.infer<typeof HookDelivery>;

/** Whether the App's server accepted the attempt (2xx). */
export function deliverySucceeded(delivery: HookDelivery): boolean {
  return delivery.status_code >= 200 && delivery.status_code < 300;
}

/**
 * The App's webhook deliveries, newest first, a page of 100 at a time (GitHub pages them by cursor).
 * `octokit` must be authenticated as the App (a JWT), not as an installation. Throws TooManyPagesError
 * when a page is left after `maxPages`; the caller leaves the loop once it has read back far enough.
 */
export function hookDeliveryPages(octokit: OctokitLike, maxPages: number): AsyncGenerator<HookDelivery[]> {
  return listCursorPages(octokit, "GET /app/hook/deliveries", {}, HookDelivery, maxPages);
}

/**
 * Asks GitHub to deliver an attempt's event again (it answers 202 and delivers later, as a new attempt
 * with the same guid). `octokit` must be authenticated as the App. Throws Octokit's RequestError.
 */
export async function redeliverHookDelivery(octokit: OctokitLike, deliveryId: number): Promise<void> {
  await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: deliveryId });
}
