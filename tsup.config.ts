import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

// One bundled ESM file for the CLI. Runtime dependencies stay external (they are
// installed beside it); commands are split into lazily loaded chunks so that
// `jobx --version` does not pay for nunjucks, js-yaml or kubernetes-models.
export default defineConfig({
  entry: { cli: "src/cli/main.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  splitting: true,
  clean: true,
  sourcemap: true,
  dts: false,
  define: { __JOBX_VERSION__: JSON.stringify(version) },
});
