import type { RunLog } from "./run-log.js";
import { TimelineRecorder, type TimelineEntry } from "./timeline.js";
import { createRedactor } from "../../guard/scan.js";

/**
 * The run log of a surface that shows one run's timeline once it ends (the Action's job summary): the
 * same entries as the App's run page, redacted by the run's guard, kept in memory.
 */
export function memoryRunLog(): { log: RunLog; entries: TimelineEntry[] } {
  const entries: TimelineEntry[] = [];
  let recorder: TimelineRecorder | undefined;
  const log: RunLog = {
    queued: () => undefined,
    discard: () => undefined,
    pageUrl: () => undefined,
    started: (request) => {
      recorder = new TimelineRecorder(createRedactor(request.config.guard));
      entries.push({ type: "status", text: "Started" });
    },
    event: (request, event) => {
      recorder ??= new TimelineRecorder(createRedactor(request.config.guard));
      entries.push(...recorder.entries(event));
    },
    finished: (_request, report) => {
      entries.push({ type: "report", outcome: report.outcome, headline: report.headline });
    },
    dropped: () => undefined,
    cancelled: () => undefined,
  };
  return { log, entries };
}
