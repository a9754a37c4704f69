import js from "@eslint/js";
import tseslint from "typescript-eslint";

const PROCESSES = ["execa", "node:child_process", "child_process"];

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
  // Boundary rules (docs/DESIGN.md). In a flat config a later no-restricted-imports for
  // the same files replaces an earlier one, so each block lists everything its files may
  // not import, and no two blocks match the same file.
  {
    // Only src/kube/run.ts starts processes.
    files: ["src/**"],
    ignores: ["src/kube/**", "src/commands/**", "src/lifecycle/**", "src/text/**", "src/params/**", "src/render/**", "src/manifest/**", "src/group/**", "src/report/**", "src/lint/**", "src/pack/**"],
    rules: {
      "no-restricted-imports": ["error", { paths: PROCESSES }],
    },
  },
  {
    // The adapter to kubectl: it knows nothing of the workflows, the commands or the terminal.
    files: ["src/kube/**"],
    ignores: ["src/kube/run.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: PROCESSES, patterns: ["../lifecycle/*", "../commands/*", "../cli/*", "../ui/*"] }],
    },
  },
  {
    // The workflows reach kubectl only through the seam a session carries, never a command or the CLI.
    files: ["src/lifecycle/**"],
    rules: {
      "no-restricted-imports": ["error", { paths: PROCESSES, patterns: ["../commands/*", "../cli/*", "../kube/run"] }],
    },
  },
  {
    // Commands are thin: flags → options → one workflow → print. They do not import each
    // other, nor reach kubectl or the kube layer themselves.
    files: ["src/commands/**"],
    rules: {
      "no-restricted-imports": ["error", { paths: PROCESSES, patterns: ["./*", "../kube/*", "../cli/program", "../cli/main"] }],
    },
  },
  {
    // The pure core does no I/O and reaches into none of the layers that do.
    files: ["src/text/**", "src/params/**", "src/render/**", "src/manifest/**", "src/group/**", "src/report/**", "src/lint/**", "src/pack/**"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: [...PROCESSES, "fs", "node:fs", "node:fs/promises", "chalk", "node:process"],
        patterns: ["../io/*", "../kube/*", "../commands/*", "../ui/*", "../cli/*", "../lifecycle/*"],
      }],
      "no-restricted-globals": ["error", "process"],
    },
  },
);
