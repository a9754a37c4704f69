/**
 * The template styles of the style benchmark (bench/styles.mjs): each template in this
 * folder with the parameter rows it is expanded with. Every template is plain Jinja2, so
 * python3's jinja2 renders the very same text. Values are the kind users pass: URLs,
 * Kubernetes quantities, zero-padded ids, titles with quotes and colons.
 */
const pad = (i) => String(i).padStart(6, "0");
const pick = (list, i) => list[i % list.length];
const url = (i) => `http://dbpedia.org/resource/Item_${pad(i)}`;

/** style name → { file, what it stands for, columns, row(i) } */
export const STYLES = {
  "docs-jinja2": {
    file: "docs-jinja2.yaml.njk",
    what: 'the docs\' Jinja2 example: command: ["sh", "-c", "echo Processing URL {{ url }} && sleep 5"]',
    columns: ["name", "url"],
    row: (i) => [`item-${pad(i)}`, url(i)],
  },
  "docs-tojson": {
    file: "../docs-like.yaml.njk",
    what: "the bench:expand template: the docs' job-tmpl.yaml with tojson",
    columns: ["item"],
    row: (i) => [`item-${pad(i)}`],
  },
  quoted: {
    file: "quoted.yaml.njk",
    what: 'quoted scalars: cpu: "{{ cpu }}" (500m), memory: "{{ memory }}" (64Mi), value: "{{ id }}"',
    columns: ["name", "id", "url", "cpu", "memory"],
    row: (i) => [`w${pad(i)}`, pad(i), url(i), pick(["250m", "500m", "1", "1500m"], i), pick(["64Mi", "128Mi", "256Mi", "1Gi"], i)],
  },
  "block-if": {
    file: "block-if.yaml.njk",
    what: "a literal block scalar (- |, echo processing {{ url }}) and an {% if %} section",
    columns: ["name", "url", "gpu"],
    row: (i) => [`f${pad(i)}`, url(i), i % 3 === 0 ? "yes" : "no"],
  },
  flow: {
    file: "flow.yaml.njk",
    what: "flow style: args: [\"--input\", \"s3://b/{{ name }}.exr\", '--q={{ size }}'], labels: {shot: {{ name }}}",
    columns: ["name", "size"],
    row: (i) => [`sh${pad(i)}`, pick(["1920x1080", "1280x720", "3840x2160"], i)],
  },
  plain: {
    file: "plain.yaml.njk",
    what: "plain scalars: image: registry/{{ image }}:{{ tag }}, - --source={{ url }}",
    columns: ["name", "batch", "image", "tag", "url"],
    row: (i) => [`c${pad(i)}`, String(i % 7), pick(["team/convert", "team/convert-gpu"], i), `1.2.${i % 10}`, url(i)],
  },
  single: {
    file: "single.yaml.njk",
    what: "single-quoted scalars: - '--title={{ title }}' (Report 42: \"daily\"), - '--source={{ url }}'",
    columns: ["name", "title", "url"],
    row: (i) => [`r${pad(i)}`, `Report ${i}: "daily"`, url(i)],
  },
  folded: {
    file: "folded.yaml.njk",
    what: "a folded block scalar (- >) with a URL, a path and a quoted title",
    columns: ["name", "url", "title"],
    row: (i) => [`t${pad(i)}`, url(i), `run ${i}: baseline`],
  },
  branches: {
    file: "branches.yaml.njk",
    what: "{% if %}/{% for %} sections giving rows different skeletons",
    columns: ["name", "model", "priority", "retries", "rates", "url"],
    row: (i) => [`s${pad(i)}`, pick(["resnet50", "vit-b16", "bert-base"], i), i % 4 === 0 ? "high" : "normal", String(i % 3), pick(["0.1", "0.1,0.01", "0.1,0.01,0.001"], i), `s3://data/set-${i % 50}`],
  },
};

const csvField = (v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The style's first `rows` rows as CSV text, in chunks (a million rows is not one string). */
export function* csvChunks(style, rows, chunk = 10_000) {
  yield `${style.columns.join(",")}\n`;
  for (let start = 0; start < rows; start += chunk) {
    let text = "";
    for (let i = start; i < Math.min(rows, start + chunk); i++) text += `${style.row(i).map(csvField).join(",")}\n`;
    yield text;
  }
}

/** The style's rows as objects, as jobx reads them from the CSV. */
export function rowObjects(style, rows) {
  const out = [];
  for (let i = 0; i < rows; i++) {
    const values = style.row(i);
    out.push(Object.fromEntries(style.columns.map((c, n) => [c, values[n]])));
  }
  return out;
}
