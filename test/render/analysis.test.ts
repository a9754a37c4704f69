import { describe, expect, it } from "vitest";
import { parameterProblems } from "../../src/render/analysis";
import { compileTemplate } from "../../src/render/template";

const problems = (text: string, keys: string[], rows = 1) => parameterProblems(compileTemplate({ name: "t", text }).reads, keys, rows);

describe("which parameters a template reads", () => {
  it("warns about a key the template never reads, naming the nearest name it reads", () => {
    expect(problems("parallelism: {{ parallelism | default(2) }}\ncompletions: {{ completions | default(4) }}", ["paralelism"]).warnings).toEqual([
      "the parameter 'paralelism' is never read by the template (the nearest name it reads is 'parallelism'): fix its spelling, use it in the template, or drop it",
    ]);
  });

  it.each([
    ["a name", "{{ item }}"],
    ["a name inside a filter's argument", "{{ 'x' | default(item) }}"],
    ["a loop's iterable", "{% for x in item %}{{ x }}{% endfor %}"],
    ["params.key", "{{ params.item }}"],
    ['params["key"]', '{{ params["item"] }}'],
    ["params as a whole", "{{ params | tojson }}"],
    ["a condition", "{% if item %}y{% endif %}"],
    ["a macro's body", "{% macro m() %}{{ item }}{% endmacro %}{{ m() }}"],
  ])("counts %s as a read", (_name, text) => {
    expect(problems(text, ["item"]).warnings).toEqual([]);
  });

  it("does not count an assignment as a read", () => {
    expect(problems("{% set item = 1 %}{% for item in [1] %}{% endfor %}x", ["item"]).warnings).toHaveLength(1);
  });

  it("is an error when several rows are given and the template reads none of them", () => {
    expect(problems("name: fixed", ["item", "x"], 3).error).toBe(
      "the template reads none of the parameters (item, x), so all 3 rows would render the same Job. Use them in the template (e.g. {{ item }}), or give no parameters to render it once",
    );
    expect(problems("name: n-{{ index }}", ["item"], 3).error).toBeUndefined();
    expect(problems("name: fixed", ["item"], 1).error).toBeUndefined();
  });
});
