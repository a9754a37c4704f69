import { describe, expect, it } from "vitest";
import { serialize } from "node:v8";
import type { JobObject } from "../../src/manifest/job";
import { ANNOTATION, LABEL } from "../../src/manifest/labels";
import { expandJobs } from "../../src/manifest/expand";
import { compileTemplate } from "../../src/render/template";
import { ONCE, expand, inputErrorOf, jobTemplate, planOf } from "./helpers";

describe("group labels and parameters", () => {
  it("labels the Job and its pod template and records the row", () => {
    const [job] = expand(jobTemplate(), [{ item: "a", n: 3 }]);
    const labels = { [LABEL.managedBy]: "jobx", [LABEL.group]: "g", [LABEL.item]: "0" };
    expect(job?.metadata.labels).toEqual(labels);
    expect(job?.spec.template.metadata?.labels).toEqual(labels);
    expect(JSON.parse(job?.metadata.annotations?.[ANNOTATION.params] ?? "")).toEqual({ item: "a", n: 3 });
  });

  it("keeps the template's own labels beside jobx's", () => {
    const text = jobTemplate().replace("metadata:\n", "metadata:\n  labels:\n    team: data\n");
    expect(expand(text, [{ item: "a" }])[0]?.metadata.labels?.team).toBe("data");
  });

  it("refuses a template that sets a jobx.dev label itself", () => {
    const text = jobTemplate().replace("metadata:\n", "metadata:\n  labels:\n    jobx.dev/group: mine\n");
    expect(inputErrorOf(() => expand(text, [{ item: "a" }]))).toContain("metadata.labels.jobx.dev/group: keys under jobx.dev/ are set by jobx");
  });

  it("gives every row its index, the group and the row count", () => {
    const jobs = expand(jobTemplate({ name: "j-{{ index }}-{{ jobx.group }}-{{ jobx.count }}" }), [{ item: "a" }, { item: "b" }], "grp");
    expect(jobs.map((j) => j.metadata.name)).toEqual(["j-0-grp-2", "j-1-grp-2"]);
  });
});

describe("documents", () => {
  it("renders once with no parameters, so a template may loop over its own list", () => {
    const text = "{% for x in ['a', 'b'] %}\n---\n" + jobTemplate({ name: "j-{{ x }}" }) + "\n{% endfor %}";
    expect(expand(text, ONCE).map((j) => j.metadata.name)).toEqual(["j-a", "j-b"]);
  });

  it("refuses a non-Job document, naming what it is and the row", () => {
    const text = jobTemplate() + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    expect(inputErrorOf(() => expand(text, [{ item: "a" }]))).toContain("document 2 of row 0 (item=a) is ConfigMap (v1), not a Job");
  });

  it("reports every schema violation of a document at once", () => {
    const text = jobTemplate({ container: "        ports: 5", spec: "  completions: many" });
    const message = inputErrorOf(() => expand(text, [{ item: "a" }]));
    expect(message).toContain("row 0 (item=a) is not a valid Job (2 problems)");
    expect(message).toContain("spec.completions: must be integer");
    expect(message).toContain("spec.template.spec.containers[0].ports: must be array");
  });

  it.each([
    ["restartPolicy unset", { restart: "" }, "restartPolicy: must be Never or OnFailure for a Job, not unset"],
    ["restartPolicy Always", { restart: "Always" }, 'must be Never or OnFailure for a Job, not "Always"'],
    ["Indexed without completions", { spec: "  completionMode: Indexed" }, "spec.completions: required when completionMode is Indexed"],
    ["generateName", { name: "x\n  generateName: j-" }, "metadata.generateName: not supported"],
  ])("applies the API server's rules: %s", (_name, parts, fragment) => {
    expect(inputErrorOf(() => expand(jobTemplate(parts), [{ item: "a" }]))).toContain(fragment);
  });

  it("refuses duplicate keys", () => {
    const text = jobTemplate().replace("kind: Job", "kind: Job\nkind: Job");
    expect(inputErrorOf(() => expand(text, [{ item: "a" }]))).toMatch(/does not parse: duplicated mapping key/);
  });

  it("shows the offending rendered lines when YAML does not parse", () => {
    const message = inputErrorOf(() => expand(jobTemplate() + "\n  bad: [", [{ item: "a" }]));
    expect(message).toContain("t.yaml.njk (row 0 (item=a)): the rendered YAML does not parse");
    expect(message).toMatch(/> +\d+ \|/);
  });

  it("refuses a row that renders nothing", () => {
    expect(inputErrorOf(() => expand("{% if false %}x: 1{% endif %}", [{ item: "a" }]))).toContain("rendered no YAML document");
  });
});

describe("names", () => {
  it("keeps a valid name", () => {
    expect(expand(jobTemplate(), [{ item: "apple" }])[0]?.metadata.name).toBe("j-apple");
  });

  it("derives a valid, distinct name when the given one is too long or invalid, and says so", () => {
    const warnings: string[] = [];
    const long = "x".repeat(70);
    const jobs = expand(jobTemplate(), [{ item: `${long}A` }, { item: `${long}B` }, { item: "Apple_Pie" }, { item: "Apple.Pie" }], "g", warnings);
    const names = jobs.map((j) => j.metadata.name ?? "");
    for (const name of names) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(new Set(names).size).toBe(4);
    expect(names[2]).toMatch(/^j-apple-pie-[0-9a-f]{8}$/);
    expect(warnings[0]).toContain("is longer than 63 characters; named it");
    expect(warnings).toHaveLength(4);
    expect(warnings[3]).toContain("1 more names were derived");
  });

  it("derives a name from the group and the row when the template gives none", () => {
    const jobs = expand(jobTemplate({ name: "", container: "        args: [{{ item | tojson }}]" }), [{ item: "apple" }, { item: "pear" }], "grp");
    expect(jobs.map((j) => j.metadata.name)).toEqual([expect.stringMatching(/^grp-apple-[0-9a-f]{8}$/), expect.stringMatching(/^grp-pear-[0-9a-f]{8}$/)]);
  });

  it("leaves room for an Indexed Job's pod hostnames <name>-<index>", () => {
    const name = "a".repeat(62);
    const [job] = expand(jobTemplate({ name, spec: "  completionMode: Indexed\n  completions: 100" }), [{ item: "x" }]);
    expect(job?.metadata.name?.length).toBeLessThanOrEqual(63 - "-99".length);
  });

  it("tells two names that share a hash apart by rendering the earlier row again", () => {
    // Every name gets the same hash, so each row after the first reaches the exact check.
    const template = compileTemplate({ name: "t.yaml.njk", text: jobTemplate() });
    const rows = [{ item: "a" }, { item: "b" }, { item: "c" }];
    const expanded = [...expandJobs({ template, plan: planOf(rows), group: "g", nameHash: () => 7 })];
    expect(expanded.flatMap((r) => r.jobs.map((j) => j.metadata.name))).toEqual(["j-a", "j-b", "j-c"]);
    const same = [...rows, { item: "b" }];
    expect(inputErrorOf(() => [...expandJobs({ template, plan: planOf(same), group: "g", nameHash: () => 7 })])).toContain("row 3 (item=b) is named j-b, like row 1");
  });

  it("refuses two rows that end with the same name, before anything is returned", () => {
    expect(inputErrorOf(() => expand(jobTemplate({ name: "same" }), [{ item: "a" }, { item: "b" }]))).toContain(
      "row 1 (item=b) is named same, like row 0: two Jobs cannot share a name",
    );
  });
});

describe("the trace marks", () => {
  type Container = { image?: string; args?: string[] };
  // V8 writes the kind of a string in its serialization: '"' one byte a character, 'c' two.
  const oneByte = (text: string) => {
    const bytes = serialize(text);
    let at = 2;
    while (bytes[at] === 0) at++;
    return bytes[at] === 0x22;
  };

  it("leave an ASCII template's output one byte a character, through the shape and the full parse", () => {
    const text = jobTemplate({ container: '        args: ["--from={{ url }}", "{{ item }}"]\n        env:\n        - {name: N, value: "{{ n }}"}' });
    const rows = [{ item: "a", url: "http://x/1", n: "1" }, { item: "b", url: "http://x/2", n: "2" }];
    for (const shapes of [true, false]) {
      const template = compileTemplate({ name: "t.yaml.njk", text });
      for (const { jobs, yaml } of expandJobs({ template, plan: planOf(rows), group: "g", shapes })) {
        const job = jobs[0] as JobObject;
        const container = job.spec.template.spec.containers[0] as Container | undefined;
        for (const value of [job.metadata.name ?? "", container?.image ?? "", ...(container?.args ?? []), ...(yaml ?? [])]) expect(oneByte(value), value).toBe(true);
      }
    }
    expect(oneByte("\uE000")).toBe(false);
  });

  it("are refused in a template, and any value that holds them is written as it is", () => {
    expect(inputErrorOf(() => expand(jobTemplate().replace("busybox", "busy\u0001box"), [{ item: "a" }]))).toContain("the control character U+0001 or U+0002");
    const tricky = ["\u00010\u0002", "\uE0000\uE001", "a\u0002b"];
    const jobs = expand(jobTemplate({ name: "j-{{ index }}", container: "        args:\n        - {{ item | tojson }}\n        - x{{ item | tojson }}" }), tricky.map((item) => ({ item })));
    const args = jobs.map((job) => (job.spec.template.spec.containers[0] as Container | undefined)?.args ?? []);
    expect(args.map(([whole]) => whole)).toEqual(tricky);
    // Inside a longer plain scalar, tojson's text itself (Python's escapes, read back as JSON).
    expect(args.map(([, inside]) => JSON.parse((inside ?? "").slice(1)) as string)).toEqual(tricky);
  });
});
