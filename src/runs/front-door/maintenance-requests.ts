import type { RepoConfig } from "../../config/schema.js";
import type { RepoRef } from "../../github/octokit-like.js";
import { DREAM_TASK, dreamSchedule, readDreamRecord } from "../../maintenance/dream-record.js";
import { dueTasks, matchesScheduleEvent, type Scheduled } from "../../maintenance/schedule.js";
import { lastRunsOf, readTaskRecords } from "../../maintenance/task-records.js";
import { backoffUntil } from "../../maintenance/task-record.js";
import { newerRecord } from "../../maintenance/dashboard.js";
import { findDashboard } from "../maintenance-dashboard.js";
import type { Candidate } from "../../request/classify-event.js";
import type { RunRequest } from "../../request/run-request.js";
import type { FrontDoorDeps, Outcome, WebhookEvent } from "./types.js";

type Dispatch = Extract<Candidate, { type: "dispatch" }>;

/**
 * A schedule or dispatch event without a prompt: one maintenance run per task it makes due. A dispatch
 * naming a task runs that one now; otherwise the tasks due since their recorded last run, plus any whose
 * own cron line is the one the scheduled workflow fired for. Each run's trigger key names the task and
 * the time it is due for, so two schedulers reading the same records start it once.
 */
export async function queueMaintenance(
  c: Dispatch,
  event: WebhookEvent,
  config: RepoConfig,
  deps: FrontDoorDeps,
  repository: RunRequest["repository"],
): Promise<Outcome> {
  const dream = dreamSchedule(config);
  // Dreaming is due like a task, by its own record; it goes by the reserved name `dream`.
  const tasks: Scheduled[] = [...config.maintenance.tasks, ...(dream ? [dream] : [])];
  if (tasks.length === 0)
    return { status: "ignored", reason: "`.github/patchwright.yml` has no maintenance tasks" };
  const repo: RepoRef = { owner: repository.owner, repo: repository.name };
  const now = deps.now();
  const full = `${repository.owner}/${repository.name}`.toLowerCase();
  let chosen: { task: Scheduled; key: string }[];
  if (c.task) {
    const task = tasks.find((t) => t.name === c.task);
    if (!task && c.task === DREAM_TASK)
      return {
        status: "ignored",
        reason: "`.github/patchwright.yml` does not set `maintenance.dream` (with `features.memory: true`)",
      };
    if (!task)
      return {
        status: "ignored",
        reason: `there is no maintenance task named "${c.task}" in \`.github/patchwright.yml\``,
      };
    chosen = [{ task, key: `maintenance:${full}:${task.name}:dispatch:${event.id}` }];
  } else {
    const records = await readTaskRecords(deps.octokit, repo, config.maintenance.tasks, config.branchPrefix);
    // The dashboard keeps the record of tasks with no pull request (nothing to do, declined): newest wins.
    // Dreaming's row there is a view; its record is the memory branch's.
    if (config.maintenance.dashboard) {
      const dash = await findDashboard(deps.octokit, repo, deps.botLogin);
      for (const { name } of config.maintenance.tasks) {
        const newest = newerRecord(records.get(name), dash?.state.tasks[name]);
        if (newest) records.set(name, newest);
      }
    }
    const lastRuns = lastRunsOf(records);
    const dreamt =
      dream &&
      (await readDreamRecord(deps.octokit, repo).catch((err: unknown) => {
        // Unread, dreaming counts from FIRST_RUN_LOOKBACK_MS back, like a task without a record.
        deps.log.warn("dreaming's record could not be read", { error: String(err) });
        return undefined;
      }));
    if (dreamt) lastRuns.set(DREAM_TASK, new Date(dreamt.lastRun));
    const due = new Map(dueTasks(tasks, lastRuns, now).map((d) => [d.task.name, d.occurrence.toISOString()]));
    // A workflow with one cron line per task: the line that fired names its tasks, due or not by the record.
    for (const task of tasks)
      if (c.schedule && !due.has(task.name) && matchesScheduleEvent(task, c.schedule))
        due.set(task.name, `cron:${event.id}`);
    chosen = [];
    for (const task of tasks) {
      const at = due.get(task.name);
      if (at === undefined) continue;
      const until = backoffUntil(records.get(task.name));
      if (until && until > now) {
        deps.log.info("maintenance task backing off", { task: task.name, until: until.toISOString() });
        continue;
      }
      chosen.push({ task, key: `maintenance:${full}:${task.name}:${at}` });
    }
  }
  const prompts = new Map(config.maintenance.tasks.map((t) => [t.name, t.prompt]));
  const requests: RunRequest[] = [];
  for (const { task, key } of chosen) {
    if (deps.queue.claimTrigger && !(await deps.queue.claimTrigger(key, event.id))) continue;
    const request: RunRequest = {
      // One event starts a run per due task: each task's id is derived from the delivery and its name.
      id: deps.newRunId(`${event.id}:${task.name}`),
      kind: "maintenance",
      repository,
      ...(c.installationId !== undefined ? { installationId: c.installationId } : {}),
      trigger: {
        event: event.name,
        deliveryId: event.id,
        key,
        author: c.sender?.login ?? "schedule",
        ...(c.sender?.id !== undefined ? { authorId: c.sender.id } : {}),
      },
      instruction: prompts.get(task.name) ?? "Consolidate the memory notes.",
      refs: { base: repository.defaultBranch, fromFork: false },
      config,
      requestedAt: now.toISOString(),
      maintenance: { task: task.name, dueAt: now.toISOString() },
    };
    await deps.queue.add(request);
    deps.log.info("maintenance run queued", { run: request.id, task: task.name, trigger: key });
    requests.push(request);
  }
  if (requests.length === 0) return { status: "ignored", reason: "no maintenance task is due" };
  return { status: "scheduled", requests };
}
