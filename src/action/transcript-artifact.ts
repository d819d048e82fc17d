import { DefaultArtifactClient } from "@actions/artifact";
import { access } from "node:fs/promises";
import { basename, dirname } from "node:path";

/** What uploads a file as a workflow artifact; @actions/artifact's client by default. */
export interface ArtifactUploader {
  uploadArtifact(
    name: string,
    files: string[],
    rootDirectory: string,
    options?: { retentionDays?: number },
  ): Promise<{ id?: number; size?: number }>;
}

/**
 * Uploads a run's transcript (already redacted by the guard as it was written) as the artifact
 * `patchwright-transcript-<run>`, through the runner's own artifact service: no `permissions:` entry is
 * needed, and whoever can read the repository's Actions can download it, which is why it is opt-in.
 * Returns one sentence for the log.
 */
export async function uploadTranscript(
  path: string,
  runId: string,
  uploader: ArtifactUploader = new DefaultArtifactClient(),
): Promise<string> {
  try {
    await access(path);
  } catch {
    return "No transcript was written (no agent run happened), so none was uploaded.";
  }
  const name = `patchwright-transcript-${runId.replace(/[^\w.-]/g, "-")}`;
  const uploaded = await uploader.uploadArtifact(name, [path], dirname(path), { retentionDays: 7 });
  return `Uploaded the run's transcript ${basename(path)} as the artifact ${name} (${uploaded.size ?? 0} bytes, kept 7 days).`;
}
