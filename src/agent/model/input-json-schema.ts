import { z } from "zod";

/** The JSON schema of a tool input as the Messages API takes it: one object at the top. */
export interface ObjectSchema {
  type: "object";
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  [keyword: string]: unknown;
}

interface Generated {
  type?: string;
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
  oneOf?: Generated[];
}

/**
 * The JSON schema of a tool's zod input, so what the model is told cannot drift from what the tool
 * accepts. A union of commands (`z.discriminatedUnion("command", …)`) becomes one object, since the API
 * wants an object at the top: every command's properties, `command` as the enum of them all, and only
 * what every command requires as required. `descriptions` describes the properties for the model; a
 * description of a property the input lacks, or a property left undescribed, throws (at startup).
 */
export function inputJsonSchema(input: z.ZodType, descriptions: Record<string, string>): ObjectSchema {
  const generated = z.toJSONSchema(input, { io: "input" }) as Generated;
  const schema = generated.oneOf ? mergeCommands(generated.oneOf) : objectOf(generated);
  for (const [name, description] of Object.entries(descriptions)) {
    const property = schema.properties[name];
    if (!property) throw new Error(`A description for "${name}", which the tool input does not have`);
    property.description = description;
  }
  const undescribed = Object.entries(schema.properties).find(
    ([name, property]) => name !== "command" && property.description === undefined,
  );
  if (undescribed) throw new Error(`The tool input property "${undescribed[0]}" has no description`);
  return schema;
}

function objectOf(generated: Generated): ObjectSchema {
  if (generated.type !== "object") throw new Error("A tool input must be an object or a union of objects");
  const required = generated.required ?? [];
  return {
    type: "object",
    properties: structuredClone(generated.properties ?? {}),
    ...(required.length > 0 ? { required } : {}),
  };
}

function mergeCommands(options: Generated[]): ObjectSchema {
  const properties: Record<string, Record<string, unknown>> = {};
  const commands: unknown[] = [];
  let required: string[] | undefined;
  for (const option of options.map(objectOf)) {
    for (const [name, property] of Object.entries(option.properties)) {
      if (name === "command") {
        if (property.const === undefined) throw new Error("Each command of a tool input needs a literal");
        commands.push(property.const);
        continue;
      }
      const known = properties[name];
      // One property, one schema: the model gets a single description of it.
      if (known && JSON.stringify(known) !== JSON.stringify(property)) {
        throw new Error(`The tool input property "${name}" differs between commands`);
      }
      properties[name] = property;
    }
    const own = option.required ?? [];
    required = required ? required.filter((name) => own.includes(name)) : own;
  }
  return {
    type: "object",
    properties: { command: { type: "string", enum: commands }, ...properties },
    ...(required && required.length > 0 ? { required } : {}),
  };
}
