import js from "@eslint/js";
import vitest from "@vitest/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "coverage/**",
      "bundle/**",
      "bench/guard/.corpus/**",
      "bench/ingress/.out/**",
      "bench/harness/.out/**",
      "bench/context/.out/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ["*.js", "*.cjs", ".dependency-cruiser.cjs", "bench/*/*.mjs"],
        },
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Everything the Action writes to the runner is outbound text: it goes through GuardedOutput, whose
    // RUNNER is the one place allowed to call @actions/core's writers.
    files: ["src/**/*.ts"],
    ignores: ["src/action/guarded-output.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        ...[
          "info",
          "warning",
          "error",
          "notice",
          "debug",
          "setOutput",
          "setFailed",
          "summary",
          "exportVariable",
        ].map((property) => ({
          object: "core",
          property,
          message:
            "Write to the runner through GuardedOutput (src/action/guarded-output.ts): it passes the leak guard.",
        })),
      ],
    },
  },
  {
    files: ["test/**/*.ts"],
    plugins: { vitest },
    rules: {
      ...vitest.configs.recommended.rules,
      // vitest's `expect(value, message)` names the failing case.
      "vitest/valid-expect": ["error", { maxArgs: 2 }],
      // Helpers named expect*/assert* hold the assertions of the tests calling them.
      "vitest/expect-expect": ["error", { assertFunctionNames: ["expect", "expect*", "assert*"] }],
      // Tables of cases name their describe blocks from the table's keys.
      "vitest/valid-title": ["error", { ignoreTypeOfDescribeName: true }],
      // vitest's asymmetric matchers (expect.stringMatching, expect.any) are typed `any`.
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs", ".dependency-cruiser.cjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Scripts run as node processes by the tests.
    files: ["test/**/*.mjs"],
    languageOptions: { globals: { process: "readonly" } },
  },
  {
    // The layer rules are CommonJS, as dependency-cruiser's config is.
    files: ["**/*.cjs", ".dependency-cruiser.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
