import nock from "nock";
import { afterAll, afterEach } from "vitest";
import { assertNoGitHubViolations } from "./github-checks.js";
import { installNockChecks } from "./nock-checks.js";

// No test may reach the network. A test that starts its own server enables loopback for itself.
nock.disableNetConnect();

// Every test: requests to GitHub and stubbed GitHub responses match GitHub's OpenAPI description, no
// request goes unmatched, and no interceptor is left unused (a `.persist()`ed scope may be).
const nockChecks = installNockChecks();

afterEach(() => {
  const failures: unknown[] = [];
  for (const check of [assertNoGitHubViolations, () => nockChecks.assertAllUsedAndCleanUp()]) {
    try {
      check();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, failures.map((f) => String(f)).join("\n"));
});

// Requests made by `afterAll` hooks, or after the last test.
afterAll(() => {
  assertNoGitHubViolations();
  nock.cleanAll();
});
