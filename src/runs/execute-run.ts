import { describeGitHubError, gitHubStatus } from "../github/errors.js";
import { KnownSecrets, withKnownSecrets } from "../guard/known-secrets.js";
import type { RunRequest } from "../request/run-request.js";
import { GitError } from "../workspace/git.js";
import { findApprovedPlan } from "./approve.js";
import { changeRun } from "./change-run.js";
import type { ExecutorDeps } from "./executor-deps.js";
import { renderMarker, planRecord, type PlanSeal, type RunMarker } from "./marker.js";
import { ciFixRun } from "./ci-fix-run.js";
import { maintenanceRun } from "./maintenance-run.js";
import { dreamRun } from "./dream-run.js";
import { DREAM_TASK } from "../maintenance/dream-record.js";
import { readOnlyRun } from "./read-only-run.js";
import { renderReport, type RunReport } from "./report.js";
import { reviewRun } from "./review-run.js";
import { handedOver } from "./queue/durable-queue.js";
import type { RunExecutor } from "./queue/run-queue.js";
import { finished, type Done, type RunScope } from "./run-scope.js";
import { TrackingComment } from "./tracking-comment.js";

/**
 * The executor behind the queue: carries out one run on GitHub and always ends with a report in the
 * tracking comment — a pull request, an answer, a plan, or one plain sentence on why not.
 */
export function createRunExecutor(surface: ExecutorDeps): RunExecutor {
  return async (incoming, signal) => {
    const started = surface.now().getTime();
    // The run's own credentials are found by value in everything it sends, whatever their format:
    // the surface's (model key, webhook secret) and every token the run is given, later ones too.
    const secrets = new KnownSecrets(surface.knownSecrets ?? []);
    const request: RunRequest = {
      ...incoming,
      config: { ...incoming.config, guard: withKnownSecrets(incoming.config.guard, secrets) },
    };
    // The run's page, when the App serves one at a public address: progress and the report link to it.
    const page = surface.runLog?.pageUrl(incoming.id);
    const deps: ExecutorDeps = {
      ...surface,
      ...(page ? { followUrl: page } : {}),
      tokenFor: async (r, options) => {
        const token = await surface.tokenFor(r, options);
        secrets.add(token);
        return token;
      },
    };
    const octokit = await deps.octokitFor(request);
    await deps.tokenFor(request, { fresh: false }).catch(() => undefined);
    const repo = { owner: request.repository.owner, repo: request.repository.name };
    const tracker = new TrackingComment(
      octokit,
      repo,
      request.trackingCommentId,
      request.config.guard,
      deps.log,
      deps.progressIntervalMs,
    );
    const scope: RunScope = { request, deps, octokit, repo, tracker, signal, started };
    deps.runLog?.started(request);
    let done: Done;
    try {
      done = await dispatch(scope);
    } catch (err) {
      // Given back to the queue by a stopping worker, or its lease lost: another worker starts it again
      // and reports.
      if (handedOver(signal.reason)) throw signal.reason;
      done = { report: failure(scope, err) };
      deps.log.warn("run failed", { run: request.id, error: done.report.headline });
    }
    // A run that ended (stopped by its signal) after its lease was lost reports nothing: it is not ours.
    if (handedOver(signal.reason)) throw signal.reason;
    const { report, plan } = done;
    if (request.courseChange) report.courseChange = request.courseChange;
    if (request.restarts) {
      const times = request.restarts === 1 ? "once" : `${request.restarts} times`;
      report.notes = [
        ...(report.notes ?? []),
        `This run was restarted from a fresh workspace ${times}: the worker running it stopped before it finished.`,
      ];
    }
    if (deps.followUrl) report.links.push({ label: page ? "run page" : "Actions job", url: deps.followUrl });
    deps.log.info(`run ${report.outcome}`, { run: request.id, kind: request.kind });
    deps.onReport?.(request, report);
    deps.runLog?.finished(request, report);
    // The plan's hashes cover the comment exactly as posted, so they are taken from the final text.
    const shown = renderReport(report);
    const marker: RunMarker = {
      run: request.id,
      trigger: request.trigger.key,
      ...(plan ? { plan: planRecord(plan.request, plan.text, shown, planSeal(scope)) } : {}),
    };
    await tracker.finish(`${shown}\n\n${renderMarker(marker)}`);
  };
}

/** The plan's MAC key and where it is posted; none without a key (the Action without `plan_secret`). */
function planSeal(s: RunScope): PlanSeal | undefined {
  const { planKey } = s.deps;
  const { thread, trackingCommentId, id } = s.request;
  if (!planKey || !thread || trackingCommentId === undefined) return undefined;
  return { key: planKey, place: { ...s.repo, thread: thread.number, commentId: trackingCommentId, run: id } };
}

async function dispatch(s: RunScope): Promise<Done> {
  const { request } = s;
  switch (request.kind) {
    case "answer":
    case "plan":
      return readOnlyRun(s, request.kind);
    case "implement":
    case "prompt":
      if (request.command === "approve") {
        const found = await findApprovedPlan(s);
        if (found.status !== "ok") return { report: finished(s, "refused", found.sentence) };
        return { report: await changeRun(s, found.instruction, found.prompt) };
      }
      return { report: await changeRun(s, request.instruction) };
    case "review":
      return { report: await reviewRun(s) };
    case "maintenance":
      return {
        report: request.maintenance?.ci
          ? await ciFixRun(s)
          : request.maintenance?.task === DREAM_TASK
            ? await dreamRun(s)
            : await maintenanceRun(s),
      };
  }
}

function failure(s: RunScope, err: unknown): RunReport {
  if (s.signal.aborted) return finished(s, "stopped", "the run was stopped on request; nothing was pushed.");
  const sentence =
    err instanceof GitError
      ? `git failed: ${err.message}.`
      : gitHubStatus(err) !== undefined
        ? describeGitHubError(err)
        : `the run failed: ${(err as Error)?.message ?? String(err)}`;
  return finished(s, "failed", `${sentence.replace(/\.$/, "")}. Nothing was pushed.`);
}
