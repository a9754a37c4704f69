import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "test-artifacts/", ".tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", Buffer: "readonly", URL: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Boundary rule: the pure core does no I/O (see docs/DESIGN.md).
    files: ["src/params/**", "src/render/**", "src/manifest/**", "src/group/**", "src/report/**"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: ["fs", "node:fs", "node:fs/promises", "node:child_process", "execa", "chalk", "node:process"],
      }],
      "no-restricted-globals": ["error", "process"],
    },
  },
  {
    // Boundary rule: only src/kube starts processes.
    files: ["src/**"],
    ignores: ["src/kube/**"],
    rules: {
      "no-restricted-imports": ["error", { paths: ["execa", "node:child_process", "child_process"] }],
    },
  },
);
