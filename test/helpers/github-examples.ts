// Stubbed GitHub responses built from GitHub's own examples (the response examples in GitHub's OpenAPI
// description), so a stub carries every field GitHub sends, in GitHub's shapes, and the source's schemas
// are tried against real data rather than tuned to made-up one-liners. The setup checks every stubbed
// response against the operation's response schema (see nock-checks.ts); an override that breaks it fails.

import { githubDescription } from "./openapi-description.js";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Overrides merged into an example: objects are merged key by key, anything else replaces. */
export type ExampleOverrides = { [key: string]: unknown };

/**
 * A copy of GitHub's example response for `operation` (as `"GET /repos/{owner}/{repo}/issues/{issue_number}"`)
 * with `status`, with `overrides` merged in deeply (nested objects key by key; arrays and other values
 * replace). For an operation answering a list, pass a list of overrides: each becomes one item, built from
 * the example's first item; `[]` is an empty list.
 *
 *   githubExample("GET /repos/{owner}/{repo}/issues/{issue_number}", 200, { number: 7, user: { login: "octo" } })
 *   githubExample("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", 200, [{ filename: "a.ts" }])
 */
export function githubExample(
  operation: string,
  status: number,
  overrides?: ExampleOverrides,
): Record<string, Json>;
export function githubExample(operation: string, status: number, items: ExampleOverrides[]): Json[];
export function githubExample(
  operation: string,
  status: number,
  overrides: ExampleOverrides | ExampleOverrides[] = {},
): Record<string, Json> | Json[] {
  const example = exampleOf(operation, status);
  if (Array.isArray(overrides)) {
    if (!Array.isArray(example)) throw new Error(`GitHub's example for ${operation} ${status} is not a list`);
    const item = example[0];
    if (item === undefined && overrides.length > 0)
      throw new Error(`GitHub's example for ${operation} ${status} is an empty list`);
    return overrides.map((o) => merge(structuredClone(item), o));
  }
  if (Array.isArray(example) || !isObject(example))
    throw new Error(`GitHub's example for ${operation} ${status} is not an object; pass a list of items`);
  return merge(example, overrides) as Record<string, Json>;
}

function exampleOf(operation: string, status: number): Json {
  return githubDescription().example(operation, status) as Json;
}

function merge(base: Json | undefined, overrides: ExampleOverrides): Json {
  const out: { [key: string]: Json } = isObject(base) ? base : {};
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] =
      isObject(value as Json) && isObject(current)
        ? merge(current, value as ExampleOverrides)
        : (structuredClone(value) as Json);
  }
  return out;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * GitHub's error body: `message`, `documentation_url` and `status` (a string, as GitHub sends it), with
 * `extra` (such as a 422's `errors`).
 */
export function githubError(
  status: number,
  message: string,
  extra: ExampleOverrides = {},
): Record<string, unknown> {
  return { message, documentation_url: "https://docs.github.com/rest", status: String(status), ...extra };
}
