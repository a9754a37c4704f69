/** Finding a template: a file the user names, or a built-in one shipped in templates/. */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors";
import type { TemplateSource } from "../render/template";
import { readTextFile } from "./inputs";

const BUILTIN_SUFFIX = ".yaml.njk";

/** templates/ sits beside dist/ when built and beside src/ when run from source. */
function builtinDir(): string {
  for (const up of ["../templates", "../../templates"]) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, `job${BUILTIN_SUFFIX}`))) return dir;
  }
  throw new Error("the built-in templates folder is missing from this jobx installation");
}

export interface BuiltinTemplate {
  name: string;
  description: string;
  path: string;
}

/** The first `{# … #}` comment of a built-in template is its one-line description. */
function describe(text: string): string {
  const match = /^\s*\{#-?\s*([\s\S]*?)\s*-?#\}/.exec(text);
  return (match?.[1] ?? "").split("\n")[0]?.trim() ?? "";
}

export function listBuiltinTemplates(): BuiltinTemplate[] {
  const dir = builtinDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith(BUILTIN_SUFFIX))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      return { name: f.slice(0, -BUILTIN_SUFFIX.length), description: describe(readFileSync(path, "utf8")), path };
    });
}

/** Strips the template extensions people use: job.yaml.njk, job.yaml.jinja2, job.j2 → job. */
export function templateBaseName(name: string): string {
  return basename(name).replace(/(\.(ya?ml|json))?\.(njk|nunjucks|jinja2?|j2|tmpl|tpl)$/i, "").replace(/\.(ya?ml)$/i, "");
}

/** A path (anything with a slash or an extension, or an existing file) or a built-in name. */
export function readTemplate(spec: string, readStdin: () => string): TemplateSource {
  if (spec === "-") return { name: "<stdin>", text: readStdin() };
  const looksLikePath = spec.includes("/") || spec.includes("\\") || /\.[A-Za-z0-9]+$/.test(spec);
  if (looksLikePath || existsSync(spec)) {
    try {
      return { name: spec, text: readTextFile(spec, spec) };
    } catch (err) {
      if (err instanceof InputError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
      throw new InputError(`cannot read the template: ${why}. Give a template file, or a built-in name (jobx templates lists them)`, { where: spec });
    }
  }
  const builtin = listBuiltinTemplates().find((t) => t.name === spec);
  if (!builtin) {
    const names = listBuiltinTemplates().map((t) => t.name).join(", ");
    throw new InputError(`no template file or built-in template called '${spec}'. Built-in templates: ${names}; or give a file path (./${spec}.yaml.njk)`);
  }
  return { name: `builtin:${builtin.name}`, text: readFileSync(builtin.path, "utf8") };
}
