import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { Language, Parser, Query } from "web-tree-sitter";

/**
 * The languages the repository map outlines, and how each is parsed. Grammars are the prebuilt WASM files of
 * `@vscode/tree-sitter-wasm`, read from `node_modules` (never fetched): the runtime and every grammar are loaded
 * lazily, once per process.
 */
export type LanguageId = "typescript" | "tsx" | "javascript" | "python" | "go" | "rust" | "java";

const EXTENSIONS: Readonly<Record<string, LanguageId>> = {
  ".ts": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".tsx": "tsx",
  ".js": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  ".jsx": "javascript",
  ".py": "python",
  ".pyi": "python",
  ".go": "go",
  ".rs": "rust",
  ".java": "java",
};

/** The language of `path` by its extension, or undefined when the map only lists it. */
export function languageOf(path: string): LanguageId | undefined {
  const dot = path.lastIndexOf(".");
  return dot <= path.lastIndexOf("/") ? undefined : EXTENSIONS[path.slice(dot).toLowerCase()];
}

/**
 * Per language: a definitions query, where `@name` is the defined name and `@def.<kind>` the whole definition;
 * the node types of identifiers counted as references; the node types that open a function body (definitions
 * inside one are local and left out); and the node types of a class-like body (a function defined directly in
 * one is a method).
 */
interface Spec {
  grammar: string;
  defs: string;
  refs: string[];
  localScopes: string[];
  classBodies: string[];
}

const JS_DEFS = `
(function_declaration name: (identifier) @name) @def.function
(generator_function_declaration name: (identifier) @name) @def.function
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @def.method
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @def.function
(export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name))) @def.const
`;

const TS_DEFS = `${JS_DEFS}
(class_declaration name: (type_identifier) @name) @def.class
(abstract_class_declaration name: (type_identifier) @name) @def.class
(interface_declaration name: (type_identifier) @name) @def.interface
(type_alias_declaration name: (type_identifier) @name) @def.type
(enum_declaration name: (identifier) @name) @def.enum
(abstract_method_signature name: (property_identifier) @name) @def.method
(public_field_definition name: (property_identifier) @name value: [(arrow_function) (function_expression)]) @def.method
`;

const JS_ONLY_DEFS = `${JS_DEFS}
(class_declaration name: (identifier) @name) @def.class
(field_definition property: (property_identifier) @name value: [(arrow_function) (function_expression)]) @def.method
`;

const TS_REFS = ["identifier", "type_identifier", "property_identifier", "shorthand_property_identifier"];
const JS_SCOPES = [
  "function_declaration",
  "generator_function_declaration",
  "function_expression",
  "arrow_function",
  "method_definition",
];

const SPECS: Readonly<Record<LanguageId, Spec>> = {
  typescript: {
    grammar: "typescript",
    defs: TS_DEFS,
    refs: TS_REFS,
    localScopes: JS_SCOPES,
    classBodies: ["class_body"],
  },
  tsx: { grammar: "tsx", defs: TS_DEFS, refs: TS_REFS, localScopes: JS_SCOPES, classBodies: ["class_body"] },
  javascript: {
    grammar: "javascript",
    defs: JS_ONLY_DEFS,
    refs: ["identifier", "property_identifier", "shorthand_property_identifier"],
    localScopes: JS_SCOPES,
    classBodies: ["class_body"],
  },
  python: {
    grammar: "python",
    defs: `
(function_definition name: (identifier) @name) @def.function
(class_definition name: (identifier) @name) @def.class
`,
    refs: ["identifier"],
    localScopes: ["function_definition", "lambda"],
    classBodies: ["class_definition"],
  },
  go: {
    grammar: "go",
    defs: `
(function_declaration name: (identifier) @name) @def.function
(method_declaration name: (field_identifier) @name) @def.method
(type_spec name: (type_identifier) @name type: (struct_type)) @def.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @def.interface
(type_spec name: (type_identifier) @name type: [(type_identifier) (qualified_type) (function_type) (map_type) (slice_type) (pointer_type) (channel_type) (array_type) (generic_type)]) @def.type
(type_alias name: (type_identifier) @name) @def.type
(source_file (const_declaration (const_spec name: (identifier) @name) @def.const))
(source_file (var_declaration (var_spec name: (identifier) @name) @def.var))
`,
    refs: ["identifier", "type_identifier", "field_identifier"],
    localScopes: ["function_declaration", "method_declaration", "func_literal"],
    classBodies: [],
  },
  rust: {
    grammar: "rust",
    defs: `
(function_item name: (identifier) @name) @def.function
(function_signature_item name: (identifier) @name) @def.function
(struct_item name: (type_identifier) @name) @def.struct
(enum_item name: (type_identifier) @name) @def.enum
(union_item name: (type_identifier) @name) @def.union
(trait_item name: (type_identifier) @name) @def.trait
(type_item name: (type_identifier) @name) @def.type
(mod_item name: (identifier) @name) @def.module
(macro_definition name: (identifier) @name) @def.macro
(const_item name: (identifier) @name) @def.const
(static_item name: (identifier) @name) @def.static
`,
    refs: ["identifier", "type_identifier", "field_identifier"],
    localScopes: ["function_item", "closure_expression"],
    classBodies: ["impl_item", "trait_item"],
  },
  java: {
    grammar: "java",
    defs: `
(class_declaration name: (identifier) @name) @def.class
(interface_declaration name: (identifier) @name) @def.interface
(enum_declaration name: (identifier) @name) @def.enum
(record_declaration name: (identifier) @name) @def.record
(annotation_type_declaration name: (identifier) @name) @def.annotation
(method_declaration name: (identifier) @name) @def.method
(constructor_declaration name: (identifier) @name) @def.constructor
`,
    refs: ["identifier", "type_identifier"],
    localScopes: ["method_declaration", "constructor_declaration", "lambda_expression"],
    classBodies: [],
  },
};

export interface LoadedLanguage {
  id: LanguageId;
  parser: Parser;
  defs: Query;
  refs: Query;
  localScopes: ReadonlySet<string>;
  classBodies: ReadonlySet<string>;
}

const require = createRequire(import.meta.url);
let runtime: Promise<void> | undefined;
const loaded = new Map<LanguageId, Promise<LoadedLanguage>>();

/** The parser and queries for `id`, loading the tree-sitter runtime and the grammar on first use. */
export function loadLanguage(id: LanguageId): Promise<LoadedLanguage> {
  let pending = loaded.get(id);
  if (!pending) {
    pending = load(id);
    loaded.set(id, pending);
  }
  return pending;
}

async function load(id: LanguageId): Promise<LoadedLanguage> {
  runtime ??= initRuntime();
  await runtime;
  const spec = SPECS[id];
  const bytes = await readFile(
    require.resolve(`@vscode/tree-sitter-wasm/wasm/tree-sitter-${spec.grammar}.wasm`),
  );
  const language = await Language.load(new Uint8Array(bytes));
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    id,
    parser,
    defs: new Query(language, spec.defs),
    refs: new Query(language, `[${spec.refs.map((type) => `(${type})`).join(" ")}] @ref`),
    localScopes: new Set(spec.localScopes),
    classBodies: new Set(spec.classBodies),
  };
}

async function initRuntime(): Promise<void> {
  // Hand the runtime its own WASM bytes so that it never looks for them by URL (or over the network).
  const path = require.resolve("web-tree-sitter/web-tree-sitter.wasm");
  const wasmBinary = new Uint8Array(await readFile(path));
  await Parser.init({ wasmBinary, locateFile: () => path } as Parameters<typeof Parser.init>[0]);
}
