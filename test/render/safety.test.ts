/**
 * A `{{ … }}` result is safe YAML (not traced by the value guard) because of where it
 * came from — tojson, quote, toyaml, and indent of them — never because its text equals
 * a safe result seen elsewhere in the rendering.
 */
import { describe, expect, it } from "vitest";
import { compileTemplate } from "../../src/render/template";
import { expand, inputErrorOf, jobTemplate } from "../manifest/helpers";

function safety(text: string, context: Record<string, unknown>): { values: string[]; safe: boolean[] } {
  const { values, safe } = compileTemplate({ name: "t", text }).renderMarked(context, "row 0");
  return { values, safe };
}

describe("safety belongs to a filter's output", () => {
  it("a bare value equal to a quoted one is still traced", () => {
    expect(safety("a: {{ v | quote }}\nb: {{ w }}", { v: "hi", w: '"hi"' })).toEqual({ values: ['"hi"', '"hi"'], safe: [true, false] });
  });

  it("and the guard refuses it, naming the key and the fix", () => {
    const template = jobTemplate().replace("metadata:\n", "metadata:\n  annotations:\n    a: {{ v | quote }}\n    b: {{ w }}\n");
    const message = inputErrorOf(() => expand(template, [{ item: "x", v: "hi", w: '"hi"' }]));
    expect(message).toContain("the value of 'w'");
    expect(message).toContain("{{ w | tojson }}");
  });

  it.each([
    ["tojson", "{{ v | tojson }}", [true]],
    ["quote", "{{ v | quote }}", [true]],
    ["toyaml", "{{ v | toyaml }}", [true]],
    ["indent of toyaml", "{{ v | toyaml | indent(4) }}", [true]],
    ["a variable holding a quoted value", "{% set q = v | quote %}{{ q }}", [true]],
    ["a conditional between two quoted values", "{{ v | quote if v else 'x' | quote }}", [true]],
    ["default of a quoted value", "{{ v | tojson | default('') }}", [true]],
    ["a quoted value inside a macro", "{% macro m() %}{{ v | quote }}{% endmacro %}{{ m() }}", [true]],
    ["concatenated with text", "{{ (v | quote) ~ '' }}", [false]],
    ["another filter after it", "{{ v | tojson | upper }}", [false]],
    ["string of it", "{{ v | quote | string }}", [false]],
    ["the plain value", "{{ v }}", [false]],
    ["a plain value written like a quoted one", "{{ '\"' ~ v ~ '\"' }}", [false]],
  ])("%s", (_name, text, safe) => {
    expect(safety(text, { v: "hi" }).safe).toEqual(safe);
  });
});
