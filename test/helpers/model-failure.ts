import { expect } from "vitest";
import { ModelError } from "../../src/agent/model-types.js";

/** The ModelError a model call ends with (the test fails if it succeeds or throws something else). */
export async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}
