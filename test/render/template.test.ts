import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileTemplate } from "../../src/render/template";
import { InputError } from "../../src/errors";

const render = (text: string, context: Record<string, unknown> = {}) => compileTemplate({ name: "t.yaml.njk", text }).render(context, "row 0 (item=x)");

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error("expected an error");
}

describe("Jinja2 compatibility", () => {
  it.each([
    ["trailing comma in a dict literal", '{% set d = {"a": 1, } %}{{ d.a }}', "1"],
    ["trailing comma in a list literal", "{% set l = [1, 2, ] %}{{ l | length }}", "2"],
    ["negative index", "{% set l = [1, 2, 3] %}{{ l[-1] }}", "3"],
    ["slices", "{% set l = [1, 2, 3] %}{{ l[1:] | join(',') }}", "2,3"],
    ["dict.items()", '{% for k, v in {"a": 1}.items() %}{{ k }}={{ v }}{% endfor %}', "a=1"],
    ["True/False/None, printed as Python prints them", "{{ True }} {{ None is none }} {{ none }}", "True True None"],
    ["no HTML escaping", "{{ '<&>' }}", "<&>"],
    ["null is None, not an error", "[{{ x }}]", "[None]"],
    ["default for a missing value", "{{ missing | default('d') }}", "d"],
    ["is defined", "{{ 'y' if missing is defined else 'n' }}", "n"],
  ])("%s", (_name, text, expected) => {
    expect(render(text, { x: null })).toBe(expected);
  });

  it("reads templates as Jinja2 does: CRLF to LF, one final newline dropped", () => {
    expect(render("a\r\nb\n")).toBe("a\nb");
    expect(render("a\n\n")).toBe("a\n");
  });
});

describe("errors name the template, the line and the row", () => {
  it("undefined value", () => {
    const err = errorOf(() => render("a: 1\nb: {{ itme }}\n", { item: "x" }));
    expect(err.message).toContain("t.yaml.njk:2:");
    expect(err.message).toContain("{{ itme }} is undefined in row 0 (item=x)");
    expect(err.message).toContain("--param");
  });

  it.each([
    ["a jobx filter", "{{ itme | quote }}"],
    ["a Jinja2 filter", "{{ itme | upper }}"],
    ["a chain of filters", "{{ itme | lower | quote }}"],
  ])("undefined value given to %s", (_name, expr) => {
    const err = errorOf(() => render(`a: 1\nb: ${expr}`, { item: "x" }));
    expect(err.message).toContain("t.yaml.njk:2");
    expect(err.message).toContain(`${expr} is undefined in row 0 (item=x)`);
  });

  it("undefined attribute", () => {
    const err = errorOf(() => render("x\n\ny: {{ p.nmae | upper }}", { p: { name: 1 } }));
    expect(err.message).toMatch(/t\.yaml\.njk:3:\d+: \{\{ p\.nmae \| upper \}\} is undefined/);
  });

  it("syntax error", () => {
    const err = errorOf(() => compileTemplate({ name: "bad.njk", text: "ok\n{% if %}\n" }));
    expect(err.message).toMatch(/^bad\.njk:2:\d+: template syntax error: /);
  });

  it("an unknown filter, before anything renders, with the nearest name", () => {
    const err = errorOf(() => compileTemplate({ name: "f.njk", text: "a\n{{ x | uper }}" }));
    expect(err.message).toBe("f.njk:2:8: template syntax error: no filter named 'uper'; did you mean 'upper'?");
  });

  it("an error raised while rendering names the row and the place", () => {
    const err = errorOf(() => render("a\n{{ 1 // n }}", { n: 0 }));
    expect(err.message).toBe("t.yaml.njk:2:6: ZeroDivisionError: integer division or modulo by zero (rendering row 0 (item=x))");
  });
});

describe("parameter values are never re-evaluated", () => {
  it("prints template syntax inside a value as text", () => {
    expect(render("{{ v }}", { v: "{{ 7*7 }}{% if true %}x{% endif %}" })).toBe("{{ 7*7 }}{% if true %}x{% endif %}");
  });
});

describe("whatever the template text, errors are jobx's, with a place", () => {
  const PIECES = ["{{", "}}", "{%", "%}", "{#", "#}", "{{-", "-%}", " ", "\n", "x", "items", "1", "2.5", "'a'", '"b"', "=", "(", ")", "[", "]", "{", "}", ",", ":", "|", ".", "~", "+", "-", "*", "/", "//", "%", "**", "==", "<", "upper", "default", "join", "tojson", "is", "not", "in", "and", "or", "if", "else", "elif", "endif", "for", "endfor", "set", "endset", "macro", "endmacro", "call", "endcall", "filter", "endfilter", "with", "endwith", "raw", "endraw", "block", "endblock", "loop", "loop.index", "ns.total", "namespace()", "recursive", "caller()", "m()", "none", "true", "range(3)"];

  it("a syntax error is an InputError naming line and column; rendering fails only with InputErrors (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 25 }), (pieces) => {
        const text = pieces.join("");
        let template: ReturnType<typeof compileTemplate>;
        try {
          template = compileTemplate({ name: "t", text });
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          expect((err as InputError).message).toMatch(/^t:\d+:\d+: template syntax error: /);
          return;
        }
        try {
          template.render({ x: "v", items: [1, 2] }, "row 0");
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          expect((err as InputError).message).toMatch(/^t(:\d+:\d+)?: /);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
