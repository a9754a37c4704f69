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
    // bin/ is CommonJS (bin/package.json), for the start-up of `jobx --version`.
    files: ["bin/**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", __dirname: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Boundary rule: only src/kube starts processes.
    files: ["src/**"],
    ignores: ["src/kube/**"],
    rules: {
      "no-restricted-imports": ["error", { paths: ["execa", "node:child_process", "child_process"] }],
    },
  },
  {
    // Boundary rule: the pure core does no I/O (see docs/DESIGN.md). After the rule
    // above: a later block's no-restricted-imports replaces an earlier one's.
    files: ["src/text/**", "src/params/**", "src/render/**", "src/manifest/**", "src/group/**", "src/report/**"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: ["fs", "node:fs", "node:fs/promises", "node:child_process", "child_process", "execa", "chalk", "node:process"],
        // Nor does it reach into the layers that do.
        patterns: ["../io/*", "../kube/*", "../commands/*", "../ui/*", "../cli"],
      }],
      "no-restricted-globals": ["error", "process"],
    },
  },
);
