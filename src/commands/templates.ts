/** `jobx templates`: the built-in templates, one line each. */
import { listBuiltinTemplates } from "../io/templates";

export async function runTemplates(): Promise<void> {
  const templates = listBuiltinTemplates();
  const width = Math.max(...templates.map((t) => t.name.length));
  process.stdout.write(templates.map((t) => `${t.name.padEnd(width)}  ${t.description}\n`).join(""));
}
