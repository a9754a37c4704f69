/**
 * renderMarked traces every `{{ … }}` result, also inside macros, call blocks, `{% set %}`
 * blocks, `{% filter %}` blocks and recursive loops; with each placeholder replaced by its
 * value it is exactly what render gives.
 */
import { describe, expect, it } from "vitest";
import { unmark } from "../../src/manifest/placeholders";
import { compileTemplate } from "../../src/render/template";
import { HAND_CASES } from "./jinja2-corpus";

const marked = (text: string, context: Record<string, unknown> = {}) => compileTemplate({ name: "t", text }).renderMarked(context, "row 0");

describe("traced renderings", () => {
  it("read back as the plain rendering, for every hand-written case of the parity corpus", () => {
    for (const c of HAND_CASES.filter((c) => c.refused === undefined)) {
      const template = compileTemplate({ name: "t", text: c.template });
      expect(unmark(template.renderMarked(c.context ?? {}, "row 0")), c.template).toBe(template.render(c.context ?? {}, "row 0"));
    }
  });

  it.each([
    ["a macro's output keeps its values traced", "{% macro m(v) %}a: {{ v }}{% endmacro %}{{ m(x) }}", ["X"]],
    ["also when indented", "{% macro m(v) %}a: {{ v }}\nb: {{ v }}{% endmacro %}{{ m(x) | indent(2) }}", ["X", "X"]],
    ["a call block's caller()", "{% macro w() %}[{{ caller() }}]{% endmacro %}{% call w() %}{{ x }}{% endcall %}", ["X"]],
    ["a {% set %} block", "{% set b %}k: {{ x }}{% endset %}{{ b }}", ["X"]],
    ["a {% filter indent %} block", "{% filter indent(2, true) %}k: {{ x }}{% endfilter %}", ["X"]],
    ["a recursive loop", "{% for i in [[x]] recursive %}{% if i is string %}{{ i }}{% else %}{{ loop(i) }}{% endif %}{% endfor %}", ["X"]],
    ["~ with a capture", "{% macro m() %}{{ x }}{% endmacro %}{{ 'k: ' ~ m() }}", ["X"]],
  ])("%s", (_name, text, values) => {
    const r = marked(text, { x: "X" });
    expect(r.values).toEqual(values);
    expect(r.marked).not.toContain("X");
  });

  it("indents a value's own lines with the text around it, and keeps it traced", () => {
    const r = marked("{% macro m(v) %}a: |\n  {{ v }}{% endmacro %}{{ m(x) | indent(2) }}", { x: "l1\nl2" });
    expect(r.values).toEqual(["l1\n  l2"]);
    expect(unmark(r)).toBe("a: |\n    l1\n  l2");
  });

  it("keeps a safe value safe through a macro", () => {
    expect(marked("{% macro m() %}{{ x | tojson }} {{ x }}{% endmacro %}{{ m() }}", { x: "X" }).safe).toEqual([true, false]);
  });
});
