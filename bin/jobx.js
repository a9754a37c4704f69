#!/usr/bin/env node
// CommonJS, so that `jobx --version` answers before Node sets up its ES module loader:
// for that command, start-up is the whole cost. Everything else loads the ESM CLI.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { readFileSync } = require("node:fs");
  const { version } = JSON.parse(readFileSync(require("node:path").join(__dirname, "..", "package.json"), "utf8"));
  process.stdout.write(`${version}\n`);
} else {
  import("../dist/cli.js").catch((err) => {
    process.stderr.write(`jobx: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  });
}
