/** `jobx templates`: the built-in templates, one line each. */
import { listBuiltinTemplates } from "../io/templates";
import { formatTable } from "../ui/table";

export async function runTemplates(): Promise<void> {
  const templates = listBuiltinTemplates();
  process.stdout.write(`${formatTable(templates.map((t) => [t.name, t.description]))}\n`);
}
