// GitHub's OpenAPI description of api.github.com (from @octokit/openapi), indexed for checking the
// requests that tests send and the responses their stubs give. Loaded lazily, once per process, from
// the checks' cache (github-checks-cache.ts): an index of the operations (their parameters, request
// bodies, JSON responses and response examples) and each validator as standalone code, compiled by the
// first process that needs it. GitHub's 13 MB document is parsed, and its shared schemas converted, only
// to fill the cache.

import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { compileFunction } from "node:vm";
import type * as AjvModule from "ajv";
import type { Ajv, ErrorObject, Format, ValidateFunction } from "ajv";
import { cacheName, cachedText, checksCacheDir } from "./github-checks-cache.js";

type SchemaObject = Record<string, unknown>;

// Optional properties may be written undefined: the cache's index keeps what it reads of them that way.

interface RawParameter {
  $ref?: string | undefined;
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean | undefined;
  schema?: SchemaObject | undefined;
}

interface RawRequestBody {
  required?: boolean | undefined;
  content?: Record<string, { schema?: SchemaObject | undefined }> | undefined;
}

interface RawResponse {
  $ref?: string;
  content?: Record<
    string,
    { schema?: SchemaObject; examples?: Record<string, { $ref?: string; value?: unknown }> }
  >;
}

interface RawOperation {
  operationId?: string;
  parameters?: RawParameter[];
  requestBody?: RawRequestBody;
  responses?: Record<string, RawResponse>;
}

interface RawDescription {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, SchemaObject>;
    parameters: Record<string, RawParameter>;
    responses: Record<string, RawResponse>;
    examples: Record<string, { value?: unknown }>;
  };
}

/** Where one of GitHub's examples is in the cached examples file: its byte offset and length. */
type ExampleSpan = [offset: number, length: number];

/** What an operation answers with one status: the JSON schema, if any, and where its examples are. */
export interface DeclaredResponse {
  schema: SchemaObject | undefined;
  examples: ExampleSpan[];
}

export interface Operation {
  method: string;
  template: string;
  operationId: string | undefined;
  pathParameters: RawParameter[];
  queryParameters: RawParameter[];
  requestBody: RawRequestBody | undefined;
  /** By status code ("200", "default"), the responses GitHub declares. */
  responses: Map<string, DeclaredResponse>;
}

export interface LoadStats {
  /** The cached index the description was loaded from. */
  file: string;
  bytes: number;
  /** Building the cache from GitHub's description, if this process found none (else undefined). */
  buildMs: number | undefined;
  readMs: number;
  parseMs: number;
  indexMs: number;
  /** Heap growth over the whole load (without a forced GC: rough). */
  heapDeltaMB: number;
  operations: number;
  openapi: string;
  version: string;
}

export interface ResponseToCheck {
  method: string;
  /** The path below the API base, as in `RequestToCheck`. */
  path: string;
  status: number;
  /** The media type of the body, lower case, without parameters. */
  contentType: string | undefined;
  body: string | undefined;
  /** The request's Accept header: a raw, diff, patch or HTML format is answered in that format, not JSON. */
  accept?: string | undefined;
}

/** One problem with a request, in words, with the ajv errors behind it if there were any. */
export interface RequestProblem {
  message: string;
  errors: ErrorObject[];
}

export interface RequestCheck {
  /** `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`, when the path and method were found. */
  operation: string | undefined;
  problems: RequestProblem[];
}

export interface RequestToCheck {
  method: string;
  /** The path below the API base, still percent-encoded, e.g. `/repos/o/r/issues/1/comments`. */
  path: string;
  query: URLSearchParams;
  /** The media type of the body, lower case, without parameters. */
  contentType: string | undefined;
  /** The body as text; undefined when there is none or it could not be read without consuming it. */
  body: string | undefined;
}

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------------
// Path templates: a trie of segments. Literal segments win over patterns, patterns over whole-segment
// parameters; within that order, every matching template is returned so the method can pick among them.

interface TrieNode {
  literal: Map<string, TrieNode>;
  patterns: { regex: RegExp; node: TrieNode }[];
  param: TrieNode | undefined;
  templates: string[];
}

const newNode = (): TrieNode => ({ literal: new Map(), patterns: [], param: undefined, templates: [] });

const WHOLE_PARAM = /^\{[^{}]+\}$/;

function segmentRegex(segment: string): RegExp {
  // `{base}...{head}`: each parameter matches at least one character, lazily.
  const source = segment
    .split(/(\{[^{}]+\})/)
    .map((part) => (WHOLE_PARAM.test(part) ? "(.+?)" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

function insertTemplate(root: TrieNode, template: string): void {
  let node = root;
  for (const segment of template.split("/").slice(1)) {
    if (WHOLE_PARAM.test(segment)) {
      node = node.param ??= newNode();
    } else if (segment.includes("{")) {
      const regex = segmentRegex(segment);
      let entry = node.patterns.find((p) => p.regex.source === regex.source);
      if (!entry) node.patterns.push((entry = { regex, node: newNode() }));
      node = entry.node;
    } else {
      let next = node.literal.get(segment);
      if (!next) node.literal.set(segment, (next = newNode()));
      node = next;
    }
  }
  node.templates.push(template);
}

function matchTemplates(node: TrieNode, segments: string[], index: number, out: string[]): void {
  if (index === segments.length) {
    out.push(...node.templates);
    return;
  }
  const segment = segments[index]!;
  const literal = node.literal.get(segment);
  if (literal) matchTemplates(literal, segments, index + 1, out);
  for (const pattern of node.patterns) {
    if (pattern.regex.test(segment)) matchTemplates(pattern.node, segments, index + 1, out);
  }
  if (node.param && segment !== "") matchTemplates(node.param, segments, index + 1, out);
}

/** The values of a template's path parameters in a concrete path (percent-decoded). */
function pathValues(template: string, segments: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  template
    .split("/")
    .slice(1)
    .forEach((part, i) => {
      if (!part.includes("{")) return;
      const names = [...part.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!);
      const found = WHOLE_PARAM.test(part)
        ? [segments[i]!]
        : (segmentRegex(part).exec(segments[i]!) ?? []).slice(1);
      names.forEach((name, j) => (values[name] = safeDecode(found[j] ?? "")));
    });
  return values;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// ---------------------------------------------------------------------------------------------------
// Schemas: OpenAPI 3.0 → JSON Schema for ajv. `nullable: true` becomes a union with null; references to
// shared schemas point into one registered document; documentation-only keys are dropped.

const COMPONENTS_ID = "https://api.github.com/patchwright-test/components.json";

const DROPPED_KEYS = new Set([
  "description",
  "title",
  "example",
  "examples",
  "externalDocs",
  "deprecated",
  "readOnly",
  "writeOnly",
  "discriminator",
  "xml",
]);

interface ConvertContext {
  formats: Set<string>;
  /** Set `additionalProperties: false` on plain inline object schemas (request bodies only). */
  close: boolean;
}

function convertSchema(schema: unknown, ctx: ConvertContext, closable: boolean): unknown {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return schema;
  const src = schema as SchemaObject;
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(src)) {
    if (DROPPED_KEYS.has(key) || key.startsWith("x-") || key === "nullable") continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.startsWith("#/") ? COMPONENTS_ID + value : value;
    } else if ((key === "properties" || key === "patternProperties") && isRecord(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [
          name,
          convertSchema(sub, ctx, closable && key === "properties"),
        ]),
      );
    } else if (key === "items") {
      out.items = Array.isArray(value)
        ? value.map((sub) => convertSchema(sub, ctx, false))
        : convertSchema(value, ctx, closable);
    } else if ((key === "allOf" || key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((sub) => convertSchema(sub, ctx, false));
    } else if (key === "not" || key === "additionalProperties") {
      out[key] = convertSchema(value, ctx, false);
    } else {
      if (key === "format" && typeof value === "string") ctx.formats.add(value);
      out[key] = value;
    }
  }
  if (
    ctx.close &&
    closable &&
    isRecord(out.properties) &&
    !("additionalProperties" in out) &&
    !("patternProperties" in out) &&
    !("allOf" in out || "anyOf" in out || "oneOf" in out || "$ref" in out)
  ) {
    out.additionalProperties = false;
  }
  if (src.nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

/** What fills a required property GitHub's example left out: null if allowed, else an empty value. */
function emptyValue(schema: unknown): unknown {
  if (!isRecord(schema)) return null;
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  if (types.includes("null") || schema.anyOf !== undefined) return null;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const empty: Record<string, unknown> = {
    string: "",
    integer: 0,
    number: 0,
    boolean: false,
    array: [],
    object: {},
  };
  return types.map((t) => empty[String(t)]).find((v) => v !== undefined) ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const RFC3339_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/;

// The formats the description uses; the ones that say something checkable are checked, the others
// (uri-template, int64, binary, repo.nwo, ...) accept anything of the right JSON type.
const KNOWN_FORMATS: Record<string, Format> = {
  "date-time": (s: string) => RFC3339_DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)),
  date: /^\d{4}-\d{2}-\d{2}$/,
  email: /^[^\s@]+@[^\s@]+$/,
  uri: (s: string) => URL.canParse(s),
};

function newAjv(coerce: boolean): Ajv {
  // Loaded only to fill the cache: a validator found there needs nothing of ajv but its runtime helpers.
  const { Ajv, _ } = require("ajv") as typeof AjvModule;
  return new Ajv({
    strict: false,
    allErrors: true,
    validateSchema: false,
    allowUnionTypes: true,
    coerceTypes: coerce,
    // Errors carry the schema they came from (to fill gaps in GitHub's examples).
    verbose: true,
    // Formats are registered as the schemas that use them are compiled (see `ValidatorCompiler.code`).
    formats: {},
    // Validators are kept as standalone code; a format function is found in `formats` when it runs.
    code: { source: true, formats: _`formats` },
  });
}

/** A validator from its standalone code (ajv's CommonJS module); `file` names it in stack traces. */
function loadValidator(code: string, file: string): ValidateFunction {
  const module: { exports?: ValidateFunction } = {};
  const run = compileFunction(code, ["module", "require", "formats"], { filename: file }) as (
    ...args: [typeof module, NodeJS.Require, typeof KNOWN_FORMATS]
  ) => void;
  run(module, require, KNOWN_FORMATS);
  if (typeof module.exports !== "function") throw new Error(`no validator in ${file}`);
  return module.exports;
}

type ValidatorKind = "response" | "body" | "param";

/**
 * Compiles GitHub's schemas, converted for ajv, to standalone validator code: response and request body
 * schemas as they are, parameters with ajv's type coercion (they arrive as strings). Request bodies are
 * closed (an unknown property is an error); responses are not (GitHub adds fields without notice, and
 * clients must ignore them).
 */
class ValidatorCompiler {
  private readonly formats = new Set<string>();
  private readonly bodyAjv = newAjv(false);
  private readonly paramAjv = newAjv(true);

  constructor(componentSchemas: Record<string, SchemaObject>) {
    const ctx: ConvertContext = { formats: this.formats, close: false };
    const schemas = Object.fromEntries(
      Object.entries(componentSchemas).map(([name, s]) => [name, convertSchema(s, ctx, false)]),
    );
    for (const ajv of [this.bodyAjv, this.paramAjv])
      ajv.addSchema({ $id: COMPONENTS_ID, components: { schemas } });
  }

  /** The standalone code of the validator of `schema` (in GitHub's OpenAPI form). */
  code(kind: ValidatorKind, schema: SchemaObject): string {
    const close = kind === "body";
    const converted = convertSchema(schema, { formats: this.formats, close }, close) as SchemaObject;
    const ajv = kind === "param" ? this.paramAjv : this.bodyAjv;
    for (const format of this.formats) {
      if (!ajv.formats[format]) ajv.addFormat(format, KNOWN_FORMATS[format] ?? true);
    }
    const standalone = require("ajv/dist/standalone") as {
      default: (ajv: Ajv, validate: ValidateFunction) => string;
    };
    return standalone.default(ajv, ajv.compile(converted));
  }
}

// ---------------------------------------------------------------------------------------------------
// The index the cache keeps: what the checks need of each operation, resolved, in GitHub's order.

interface DescriptionIndex {
  openapi: string;
  version: string;
  /** The shared schemas that are arrays (a query parameter of one is a comma-separated list). */
  arraySchemas: string[];
  paths: [template: string, operations: IndexedOperation[]][];
}

interface IndexedOperation extends Omit<Operation, "responses"> {
  responses: [status: string, response: DeclaredResponse][];
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** GitHub's whole description, parsed only to fill the cache. */
function rawDescription(): RawDescription {
  return JSON.parse(
    readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8"),
  ) as RawDescription;
}

function componentSchemasText(): string {
  return JSON.stringify(rawDescription().components.schemas);
}

function indexText(dir: string): string {
  const { openapi, info, paths, components } = rawDescription();
  // Written now, while the description is parsed: a compiler needs the shared schemas.
  cachedText(join(dir, COMPONENTS_FILE), () => JSON.stringify(components.schemas));
  // Examples are most of what the checks keep: one a line in a file of their own, read one at a time when
  // a stub is built from one. An example several operations share is written once.
  const lines: string[] = [];
  const spans = new Map<unknown, ExampleSpan>();
  let offset = 0;
  const spanOf = (example: unknown): ExampleSpan => {
    let span = spans.get(example);
    if (!span) {
      const line = JSON.stringify(example);
      lines.push(line);
      spans.set(example, (span = [offset, Buffer.byteLength(line)]));
      offset += span[1] + 1;
    }
    return span;
  };
  // Only what the checks read of a parameter and a request body (not their descriptions and examples).
  const resolveParameter = (p: RawParameter): RawParameter => {
    const {
      $ref,
      name,
      in: where,
      required,
      schema,
    } = p.$ref ? (components.parameters[p.$ref.slice("#/components/parameters/".length)] ?? p) : p;
    return { $ref, name, in: where, required, schema };
  };
  const requestBody = (body: RawRequestBody | undefined): RawRequestBody | undefined =>
    body && {
      required: body.required,
      content:
        body.content &&
        Object.fromEntries(Object.entries(body.content).map(([type, { schema }]) => [type, { schema }])),
    };
  const index: DescriptionIndex = {
    openapi,
    version: info.version,
    arraySchemas: Object.keys(components.schemas).filter(
      (name) => components.schemas[name]!.type === "array",
    ),
    paths: Object.entries(paths).map(([template, item]) => {
      const pathLevel = Array.isArray(item.parameters) ? (item.parameters as RawParameter[]) : [];
      const operations = Object.entries(item)
        .filter(([method]) => HTTP_METHODS.includes(method))
        .map(([method, value]): IndexedOperation => {
          const op = value as RawOperation;
          const parameters = [...pathLevel, ...(op.parameters ?? [])].map(resolveParameter);
          return {
            method: method.toUpperCase(),
            template,
            operationId: op.operationId,
            pathParameters: parameters.filter((p) => p.in === "path"),
            queryParameters: parameters.filter((p) => p.in === "query"),
            requestBody: requestBody(op.requestBody),
            responses: [...declaredResponses(op, components, spanOf)],
          };
        });
      return [template, operations];
    }),
  };
  cachedText(join(dir, EXAMPLES_FILE), () => `${lines.join("\n")}\n`);
  return JSON.stringify(index);
}

/** One of GitHub's examples, read from the cache (a fresh copy). */
function readExample(dir: string, [offset, length]: ExampleSpan): unknown {
  const fd = openSync(join(dir, EXAMPLES_FILE), "r");
  try {
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, offset);
    return JSON.parse(buffer.toString("utf8"));
  } finally {
    closeSync(fd);
  }
}

const INDEX_FILE = "openapi-index.json";
const COMPONENTS_FILE = "openapi-components.json";
const EXAMPLES_FILE = "openapi-examples.jsonl";

// ---------------------------------------------------------------------------------------------------
// The loaded description.

export class GitHubDescription {
  readonly stats: LoadStats;
  private readonly root = newNode();
  private readonly operations = new Map<string, Map<string, Operation>>();
  private readonly arraySchemas: Set<string>;
  private compiler: ValidatorCompiler | undefined;
  private readonly validators = new Map<string, ValidateFunction>();

  /** Loads the description from the cache in `dir` (the checks' own by default), filling it if need be. */
  constructor(private readonly dir = checksCacheDir()) {
    const heapBefore = process.memoryUsage().heapUsed;
    let buildMs: number | undefined;
    const t0 = performance.now();
    const text = cachedText(join(dir, INDEX_FILE), () => {
      const started = performance.now();
      const built = indexText(dir);
      buildMs = performance.now() - started;
      return built;
    });
    const t1 = performance.now();
    const index = JSON.parse(text) as DescriptionIndex;
    const t2 = performance.now();
    let count = 0;
    for (const [template, operations] of index.paths) {
      const byMethod = new Map<string, Operation>();
      for (const op of operations) {
        byMethod.set(op.method, { ...op, responses: new Map(op.responses) });
        count++;
      }
      this.operations.set(template, byMethod);
      insertTemplate(this.root, template);
    }
    this.arraySchemas = new Set(index.arraySchemas);
    const t3 = performance.now();
    this.stats = {
      file: join(dir, INDEX_FILE),
      bytes: Buffer.byteLength(text),
      buildMs,
      readMs: t1 - t0 - (buildMs ?? 0),
      parseMs: t2 - t1,
      indexMs: t3 - t2,
      heapDeltaMB: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20,
      operations: count,
      openapi: index.openapi,
      version: index.version,
    };
  }

  /** Operations whose template matches the path, best match first, with the methods each defines. */
  match(path: string): { template: string; methods: Map<string, Operation> }[] {
    const segments = (path === "" ? "/" : path).split("/").slice(1);
    const templates: string[] = [];
    matchTemplates(this.root, segments, 0, templates);
    return templates.map((template) => ({ template, methods: this.operations.get(template)! }));
  }

  check(request: RequestToCheck): RequestCheck {
    const problems: RequestProblem[] = [];
    const method = request.method === "HEAD" ? "GET" : request.method;
    const path = request.path.length > 1 ? request.path.replace(/\/+$/, "") : request.path || "/";
    const matches = this.match(path);
    if (matches.length === 0) {
      return {
        operation: undefined,
        problems: [{ message: `no operation's path template matches ${path}`, errors: [] }],
      };
    }
    const found = matches.find((m) => m.methods.has(method));
    if (!found) {
      const best = matches[0]!;
      const allowed = [...best.methods.keys()].join(", ");
      return {
        operation: undefined,
        problems: [
          { message: `${method} is not defined for ${best.template} (only ${allowed})`, errors: [] },
        ],
      };
    }
    const op = found.methods.get(method)!;
    const segments = path.split("/").slice(1);
    this.checkParameters(op, pathValues(op.template, segments), request.query, problems);
    this.checkBody(op, request, problems);
    return { operation: `${op.method} ${op.template}`, problems };
  }

  /** The operation named like `GET /repos/{owner}/{repo}/issues`, or undefined. */
  operation(name: string): Operation | undefined {
    const [method = "", template = ""] = name.split(" ");
    return this.operations.get(template)?.get(method.toUpperCase());
  }

  /**
   * A stubbed response against what GitHub declares for the request's operation: a JSON body must fit
   * the schema of its status. A success (2xx) GitHub never answers the operation with is a problem; an
   * undeclared failure (a 500, a 404 where none is listed) is not, since GitHub can fail anywhere.
   */
  checkResponse(response: ResponseToCheck): RequestCheck {
    const method = response.method === "HEAD" ? "GET" : response.method;
    const path = response.path.length > 1 ? response.path.replace(/\/+$/, "") : response.path || "/";
    const op = this.match(path)
      .map((m) => m.methods.get(method))
      .find((o) => o !== undefined);
    if (!op) return { operation: undefined, problems: [] };
    const operation = `${op.method} ${op.template}`;
    const problems: RequestProblem[] = [];
    const status = String(response.status);
    const declared = op.responses.get(status);
    if (!declared) {
      if (response.status >= 200 && response.status < 300) {
        const known = [...op.responses.keys()].join(", ");
        problems.push({ message: `GitHub answers ${operation} with ${known}, never ${status}`, errors: [] });
      }
      return { operation, problems };
    }
    const otherFormat = /^application\/vnd\.github(?:\.v3)?\.(?:raw|diff|patch|html|text|sha)\b/;
    if (!declared.schema || response.method === "HEAD" || otherFormat.test(response.accept ?? ""))
      return { operation, problems };
    const { body, contentType } = response;
    if (contentType !== undefined && !isJsonMediaType(contentType)) {
      problems.push({ message: `the ${status} response is ${contentType}, GitHub answers JSON`, errors: [] });
      return { operation, problems };
    }
    let data: unknown;
    try {
      data = JSON.parse(body ?? "");
    } catch {
      problems.push({
        message: `the ${status} response body is not JSON: ${preview(body ?? "")}`,
        errors: [],
      });
      return { operation, problems };
    }
    const validate = this.responseValidator(operation, status, declared.schema);
    if (!validate(data)) {
      // A made-up body misses most of what GitHub sends: one line per object, not per property.
      const missing = new Map<string, ErrorObject[]>();
      for (const e of validate.errors ?? []) {
        const where = `the ${status} response body${e.instancePath ? ` at ${e.instancePath}` : ""}`;
        if (e.keyword === "required") {
          missing.set(where, [...(missing.get(where) ?? []), e]);
        } else {
          problems.push({ message: `${where} ${describeError(e)}`, errors: [e] });
        }
      }
      for (const [where, errors] of missing) {
        const names = errors.map((e) => String((e.params as { missingProperty?: unknown }).missingProperty));
        const listed =
          names.length > 6 ? `${names.slice(0, 6).join(", ")}, ... (${names.length})` : names.join(", ");
        problems.push({ message: `${where} lacks required ${listed}`, errors });
      }
      if (declared.examples.length > 0) {
        problems.push({
          message: `build it from GitHub's example: githubExample("${operation}", ${status}, { ...overrides })`,
          errors: [],
        });
      }
    }
    return { operation, problems };
  }

  /**
   * GitHub's first example of the operation's response with `status`, as a fresh copy. A few of GitHub's
   * examples leave out a property their schema requires (a repository's `language`, a team's `type`):
   * such a property is filled with null where the schema allows it, else its type's empty value.
   */
  example(operationName: string, status: number): unknown {
    const op = this.operation(operationName);
    if (!op) throw new Error(`GitHub's description has no operation ${operationName}`);
    const declared = op.responses.get(String(status));
    const example = declared?.examples[0];
    if (example === undefined)
      throw new Error(`GitHub's description has no example for ${operationName} ${status}`);
    const copy = readExample(this.dir, example);
    if (!declared?.schema) return copy;
    const validate = this.responseValidator(`${op.method} ${op.template}`, String(status), declared.schema);
    for (let pass = 0; pass < 5 && !validate(copy); pass++) {
      const missing = (validate.errors ?? []).filter((e) => e.keyword === "required");
      if (missing.length === 0) break;
      for (const e of missing) {
        const target = e.instancePath
          .split("/")
          .slice(1)
          .reduce<unknown>(
            (at, key) =>
              isRecord(at) || Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined,
            copy,
          );
        const name = String((e.params as { missingProperty?: unknown }).missingProperty);
        const properties = isRecord(e.parentSchema) ? e.parentSchema.properties : undefined;
        if (isRecord(target) && !(name in target))
          target[name] = emptyValue(isRecord(properties) ? properties[name] : undefined);
      }
    }
    return copy;
  }

  private responseValidator(operation: string, status: string, schema: SchemaObject): ValidateFunction {
    return this.validator("response", `${operation} ${status}`, schema);
  }

  /**
   * The validator of `schema`, which is the `kind` schema of `key` (an operation, and for a response its
   * status): from this process's, else from the cache, else compiled into the cache.
   */
  private validator(kind: ValidatorKind, key: string, schema: SchemaObject): ValidateFunction {
    const name = `${kind} ${key}`;
    let validate = this.validators.get(name);
    if (!validate) {
      const file = join(this.dir, "validators", `${cacheName(name)}.js`);
      validate = loadValidator(
        cachedText(file, () => this.validatorCompiler().code(kind, schema)),
        file,
      );
      this.validators.set(name, validate);
    }
    return validate;
  }

  private validatorCompiler(): ValidatorCompiler {
    return (this.compiler ??= new ValidatorCompiler(
      JSON.parse(cachedText(join(this.dir, COMPONENTS_FILE), componentSchemasText)) as Record<
        string,
        SchemaObject
      >,
    ));
  }

  private checkParameters(
    op: Operation,
    pathParams: Record<string, string>,
    query: URLSearchParams,
    problems: RequestProblem[],
  ): void {
    const known = new Map(op.queryParameters.map((p) => [p.name, p]));
    const data: Record<string, unknown> = { ...pathParams };
    for (const key of new Set(query.keys())) {
      const name = key.endsWith("[]") && known.has(key.slice(0, -2)) ? key.slice(0, -2) : key;
      if (!known.has(name)) problems.push({ message: `unknown query parameter "${key}"`, errors: [] });
    }
    for (const p of op.queryParameters) {
      const values = [...query.getAll(p.name), ...query.getAll(`${p.name}[]`)];
      if (values.length === 0) {
        if (p.required)
          problems.push({ message: `required query parameter "${p.name}" is missing`, errors: [] });
        continue;
      }
      data[p.name] = this.isArraySchema(p.schema)
        ? values.flatMap((v) => v.split(","))
        : values.length === 1
          ? values[0]
          : values;
    }
    const validate = this.validator("param", `${op.method} ${op.template}`, paramsSchema(op));
    if (!validate(data)) {
      const errors = validate.errors ?? [];
      for (const e of errors) {
        const name = e.instancePath.split("/")[1] ?? "";
        const where = op.pathParameters.some((p) => p.name === name) ? "path" : "query";
        problems.push({ message: `${where} parameter ${name} ${describeError(e)}`, errors: [e] });
      }
    }
  }

  private checkBody(op: Operation, request: RequestToCheck, problems: RequestProblem[]): void {
    const { body, contentType } = request;
    const hasBody = body !== undefined && body !== "";
    const declared = op.requestBody;
    if (!declared) {
      if (hasBody && !isEmptyJsonObject(body)) {
        problems.push({
          message: `${op.method} ${op.template} takes no request body, got ${preview(body)}`,
          errors: [],
        });
      }
      return;
    }
    const mediaTypes = Object.keys(declared.content ?? {});
    const jsonType = mediaTypes.find(isJsonMediaType);
    const sentType = contentType ?? (hasBody ? "application/json" : undefined);
    if (hasBody && sentType && !mediaTypes.includes(sentType) && !(jsonType && isJsonMediaType(sentType))) {
      problems.push({
        message: `content type ${sentType} is not accepted (the operation takes ${mediaTypes.join(", ")})`,
        errors: [],
      });
      return;
    }
    if (!jsonType || (hasBody && sentType && !isJsonMediaType(sentType))) return;
    let data: unknown;
    if (hasBody) {
      try {
        data = JSON.parse(body);
      } catch {
        problems.push({ message: `request body is not JSON: ${preview(body)}`, errors: [] });
        return;
      }
    } else {
      // No body: GitHub reads it as an empty object. That is fine unless the schema requires something.
      const schema = declared.content?.[jsonType]?.schema;
      if (schema?.type !== "object") {
        if (declared.required) problems.push({ message: "the request body is required", errors: [] });
        return;
      }
      data = {};
    }
    const schema = declared.content?.[jsonType]?.schema;
    const validate = schema && this.validator("body", `${op.method} ${op.template}`, schema);
    if (validate && !validate(data)) {
      for (const e of validate.errors ?? []) {
        problems.push({
          message: `request body${e.instancePath ? ` at ${e.instancePath}` : ""} ${describeError(e)}`,
          errors: [e],
        });
      }
    }
  }

  private isArraySchema(schema: SchemaObject | undefined): boolean {
    if (!schema) return false;
    if (typeof schema.$ref === "string") return this.arraySchemas.has(schema.$ref.split("/").pop()!);
    return schema.type === "array";
  }

  /**
   * Compiles every JSON request body and parameter schema to standalone code and loads it, outside the
   * cache (a self-check of the conversion; slow-ish). Returns how many request bodies it compiled.
   */
  compileAllBodies(): number {
    let n = 0;
    const check = (kind: ValidatorKind, schema: SchemaObject) =>
      loadValidator(this.validatorCompiler().code(kind, schema), `${kind} validator`);
    for (const byMethod of this.operations.values()) {
      for (const op of byMethod.values()) {
        const jsonType = Object.keys(op.requestBody?.content ?? {}).find(isJsonMediaType);
        const schema = jsonType && op.requestBody?.content?.[jsonType]?.schema;
        if (schema) {
          check("body", schema);
          n++;
        }
        check("param", paramsSchema(op));
      }
    }
    return n;
  }
}

/** One object schema of an operation's path and query parameters, by name. */
function paramsSchema(op: Operation): SchemaObject {
  const parameters = [...op.pathParameters, ...op.queryParameters].filter((p) => p.schema);
  return { type: "object", properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])) };
}

/** An operation's responses by status, references to shared responses and examples resolved. */
function declaredResponses(
  op: RawOperation,
  components: RawDescription["components"],
  spanOf: (example: unknown) => ExampleSpan,
): Map<string, DeclaredResponse> {
  const out = new Map<string, DeclaredResponse>();
  for (const [status, entry] of Object.entries(op.responses ?? {})) {
    const response = entry.$ref ? (components.responses[entry.$ref.split("/").pop()!] ?? entry) : entry;
    const jsonType = Object.keys(response.content ?? {}).find(isJsonMediaType);
    const content = jsonType ? response.content?.[jsonType] : undefined;
    // An example is `{ $ref }`, `{ value }`, or (a few) `{ value: { $ref } }`.
    const named = (ref: string) => components.examples[ref.split("/").pop()!]?.value;
    const examples = Object.values(content?.examples ?? {}).map((e) => {
      if (e.$ref) return named(e.$ref);
      const ref = isRecord(e.value) && typeof e.value.$ref === "string" ? e.value.$ref : undefined;
      return ref ? named(ref) : e.value;
    });
    out.set(status, {
      schema: content?.schema,
      examples: examples.filter((e) => e !== undefined).map(spanOf),
    });
  }
  return out;
}

function isJsonMediaType(type: string): boolean {
  return type === "application/json" || /^application\/[^;]*\+json$/.test(type);
}

function isEmptyJsonObject(body: string): boolean {
  try {
    const value: unknown = JSON.parse(body);
    return isRecord(value) && Object.keys(value).length === 0;
  } catch {
    return false;
  }
}

function preview(body: string): string {
  return body.length > 120 ? `${body.slice(0, 117)}...` : body;
}

function describeError(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === "additionalProperties")
    return `has an unknown property "${String(params.additionalProperty)}"`;
  if (e.keyword === "enum" && Array.isArray(params.allowedValues)) {
    return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return e.message ?? "is invalid";
}

// ---------------------------------------------------------------------------------------------------

const CACHE_KEY = Symbol.for("patchwright.test.github-openapi-description");
type CacheHolder = { [CACHE_KEY]?: GitHubDescription };

/**
 * The description of api.github.com, loaded on first use. Cached on `globalThis`, so a worker process
 * that runs several test files (each with its own module registry) parses it only once.
 */
export function githubDescription(): GitHubDescription {
  const holder = globalThis as CacheHolder;
  return (holder[CACHE_KEY] ??= new GitHubDescription());
}
