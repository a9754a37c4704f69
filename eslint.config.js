import js from "@eslint/js";
import tseslint from "typescript-eslint";

const PROCESSES = ["execa", "node:child_process", "child_process"];

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * A boundary: modules its files may not import. no-restricted-imports reads only static
 * imports, so the same list is checked for `import()` (the CLI loads commands that way)
 * with no-restricted-syntax. Patterns are the two forms used here: "dir/*" (anything in
 * dir) and a module path.
 */
function boundary({ paths = [], patterns = [] }) {
  const regexes = [
    ...paths.map((p) => `^${escapeRegex(p)}$`),
    ...patterns.map((p) => (p.endsWith("/*") ? `^${escapeRegex(p.slice(0, -1))}[^\\/]` : `^${escapeRegex(p)}(?:\\/|$)`)),
  ];
  return {
    "no-restricted-imports": ["error", { paths, patterns }],
    "no-restricted-syntax": [
      "error",
      ...regexes.map((r) => ({ selector: `ImportExpression[source.value=/${r}/]`, message: `this module may not be imported here (docs/DESIGN.md, boundary rules; eslint.config.js): ${r}` })),
    ],
  };
}

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
    rules: boundary({ paths: PROCESSES }),
  },
  {
    // The adapter to kubectl: it knows nothing of the workflows, the commands or the terminal.
    files: ["src/kube/**"],
    ignores: ["src/kube/run.ts"],
    rules: boundary({ paths: PROCESSES, patterns: ["../lifecycle/*", "../commands/*", "../cli/*", "../ui/*"] }),
  },
  {
    // The workflows reach kubectl only through the seam a session carries, never a command or the CLI.
    files: ["src/lifecycle/**"],
    rules: boundary({ paths: PROCESSES, patterns: ["../commands/*", "../cli/*", "../kube/run"] }),
  },
  {
    // Commands: flags → options → the workflows of src/lifecycle → print. They do not
    // import each other, nor reach kubectl or the kube layer themselves.
    files: ["src/commands/**"],
    rules: boundary({ paths: PROCESSES, patterns: ["./*", "../kube/*", "../cli/program", "../cli/main"] }),
  },
  {
    // The pure core does no I/O and reaches into none of the layers that do.
    files: ["src/text/**", "src/params/**", "src/render/**", "src/manifest/**", "src/group/**", "src/report/**", "src/lint/**", "src/pack/**"],
    rules: {
      ...boundary({
        paths: [...PROCESSES, "fs", "node:fs", "node:fs/promises", "chalk", "node:process"],
        patterns: ["../io/*", "../kube/*", "../commands/*", "../ui/*", "../cli/*", "../lifecycle/*"],
      }),
      "no-restricted-globals": ["error", "process"],
    },
  },
);
