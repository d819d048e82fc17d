import { z } from "zod";
import { RepoConfig } from "./schema.js";

export const JSON_SCHEMA_ID =
  "https://raw.githubusercontent.com/patchwright/patchwright/main/schema/patchwright.schema.json";

/** The part of a JSON Schema this code reads; the generated schema has more. */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/**
 * The JSON Schema of `.github/patchwright.yml`, for editors. `io: "input"` describes what a person writes,
 * so every field with a default is optional; the output type would mark them all required.
 */
export function repoConfigJsonSchema(): object {
  const generated = z.toJSONSchema(RepoConfig, { io: "input" });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: JSON_SCHEMA_ID,
    title: "patchwright repository configuration (.github/patchwright.yml)",
    ...rest,
  };
}

/** The committed file's exact text: 2-space JSON and a final newline. */
export function renderRepoConfigJsonSchema(): string {
  return `${JSON.stringify(repoConfigJsonSchema(), null, 2)}\n`;
}

let cached: SchemaNode | undefined;
function root(): SchemaNode {
  cached ??= repoConfigJsonSchema() as SchemaNode;
  return cached;
}

/** The schema of the value at a path (keys and array indexes), or undefined when no field lives there. */
export function schemaNodeAt(path: readonly PropertyKey[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root();
  for (const key of path) {
    if (!node) return undefined;
    if (typeof key === "number") node = node.items;
    else if (node.properties && typeof key === "string" && Object.hasOwn(node.properties, key))
      node = node.properties[key];
    else if (typeof node.additionalProperties === "object") node = node.additionalProperties;
    else return undefined;
  }
  return node;
}

/**
 * Every field's dotted path, e.g. `review.paths.include`; a record's entries appear as `<name>`
 * (`commands.<name>.prompt`) and a list's items as `[]` (`review.pathInstructions[].path`).
 */
export function settingPaths(): string[] {
  const out: string[] = [];
  const walk = (node: SchemaNode, prefix: string): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.push(path);
      walk(child, path);
      if (child.items) walk(child.items, `${path}[]`);
      if (typeof child.additionalProperties === "object") walk(child.additionalProperties, `${path}.<name>`);
    }
  };
  walk(root(), "");
  return out;
}
