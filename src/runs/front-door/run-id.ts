import { createHash } from "node:crypto";

/**
 * A run's id, from the delivery that asks for it (a delivery starts one run, or one per due maintenance
 * task, whose name is then added to the id). A handling of the delivery that was restarted, or a
 * redelivery of it, finds the tracking comment it posted by this id and queues the same run, which the
 * queue then holds once.
 */
export function runIdForDelivery(deliveryId: string): string {
  return createHash("sha256").update(`patchwright run\0${deliveryId}`).digest("hex").slice(0, 32);
}
