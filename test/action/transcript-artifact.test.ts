import { writeFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { uploadTranscript } from "../../src/action/transcript-artifact.js";
import { tempDir } from "../helpers/temp-repo.js";

// @actions/artifact as it runs on a runner, its service stubbed at HTTP: the results service's Twirp
// calls (create, finalize) and the blob storage upload it is pointed to.

const RESULTS = "https://results.example.test";
const BLOB = "https://blob.example.test";
const saved: Record<string, string | undefined> = {};

/** The runtime token's claims are read (never verified) by the client, for the run and job ids. */
function runtimeToken(): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  return [
    part({ alg: "none", typ: "JWT" }),
    part({ scp: "Actions.ExampleScope Actions.Results:run-1:job-1" }),
    "sig",
  ].join(".");
}

beforeEach(() => {
  for (const name of ["ACTIONS_RUNTIME_TOKEN", "ACTIONS_RESULTS_URL", "GITHUB_SERVER_URL"])
    saved[name] = process.env[name];
  process.env["ACTIONS_RUNTIME_TOKEN"] = runtimeToken();
  process.env["ACTIONS_RESULTS_URL"] = `${RESULTS}/`;
  process.env["GITHUB_SERVER_URL"] = "https://github.com";
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

describe("the transcript artifact", () => {
  it("is created, uploaded to the signed URL and finalized under the run's name, kept 7 days", async () => {
    const dir = tempDir("pw-transcript-");
    const path = join(dir, "run-9.jsonl");
    writeFileSync(path, '{"type":"run_started"}\n');
    const created: Record<string, unknown>[] = [];
    const finalized: Record<string, unknown>[] = [];
    const service = "/twirp/github.actions.results.api.v1.ArtifactService";
    nock(RESULTS)
      .post(`${service}/CreateArtifact`, (b: Record<string, unknown>) => (created.push(b), true))
      .reply(200, { ok: true, signed_upload_url: `${BLOB}/container/artifact.zip?sig=x` })
      .post(`${service}/FinalizeArtifact`, (b: Record<string, unknown>) => (finalized.push(b), true))
      .reply(200, { ok: true, artifact_id: "77" });
    let uploaded = 0;
    nock(BLOB)
      .persist()
      .put(/\/container\/artifact\.zip/, (body: unknown) => ((uploaded += String(body).length), true))
      .reply(201, "", { etag: '"1"' });

    const said = await uploadTranscript(path, "run-9");

    expect(created).toEqual([
      expect.objectContaining({
        name: "patchwright-transcript-run-9",
        workflow_run_backend_id: "run-1",
        workflow_job_run_backend_id: "job-1",
        expires_at: expect.any(String),
      }),
    ]);
    expect(finalized).toEqual([
      expect.objectContaining({ name: "patchwright-transcript-run-9", size: expect.any(String) }),
    ]);
    expect(uploaded).toBeGreaterThan(0);
    expect(said).toMatch(
      /^Uploaded the run's transcript run-9\.jsonl as the artifact patchwright-transcript-run-9/,
    );
    nock.cleanAll();
  });

  it("says so, and uploads nothing, when no transcript was written", async () => {
    expect(await uploadTranscript(join(tempDir("pw-none-"), "missing.jsonl"), "run-0")).toBe(
      "No transcript was written (no agent run happened), so none was uploaded.",
    );
  });
});
