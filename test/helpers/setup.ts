import nock from "nock";
import { afterAll } from "vitest";

// No test may reach the network. A test that starts its own server enables loopback for itself.
nock.disableNetConnect();

afterAll(() => {
  nock.cleanAll();
});
