import js from "@eslint/js";
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
      parserOptions: { projectService: { allowDefaultProject: ["*.js", "bench/*/*.mjs"] } },
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
    // vitest's asymmetric matchers (expect.stringMatching, expect.any) are typed `any`.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-unsafe-assignment": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
