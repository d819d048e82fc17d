import { createHash } from "node:crypto";
import type { MaintenanceTask } from "../config/schema.js";

/**
 * A stable hash of what a task asks for: its name, prompt and paths. A pull request closed without merge
 * carries it in its marker, and the task is not proposed again until the hash changes. The schedule,
 * time zone, labels and draft flag are left out: moving a task to Mondays is not a new request.
 *
 * Spelling that does not change the request does not change the hash: the prompt's line endings and
 * surrounding whitespace (YAML's `|` and `>-` differ there), and the order and repeats of the paths.
 * 16 hex digits (64 bits) of SHA-256.
 */
export function taskHash(task: Pick<MaintenanceTask, "name" | "prompt" | "paths">): string {
  const prompt = task.prompt.replace(/\r\n?/g, "\n").trim();
  const paths = [...new Set(task.paths ?? [])].sort();
  return createHash("sha256")
    .update(JSON.stringify({ name: task.name, prompt, paths }))
    .digest("hex")
    .slice(0, 16);
}

/** The task's one branch, e.g. `patchwright/maintenance/tidy-readme` (the config's `branchPrefix` first). */
export function branchFor(task: Pick<MaintenanceTask, "name">, branchPrefix: string): string {
  return `${branchPrefix}maintenance/${task.name}`;
}
