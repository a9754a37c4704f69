/**
 * `toyaml | indent(N)`, the documented way to place a value, keeps every string exact:
 * as a scalar after `key: ` (N = the key's indentation) and as a list on its own line
 * (N = the line's indentation).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expand, jobTemplate } from "../manifest/helpers";

const SCALAR = jobTemplate().replace("metadata:\n", "metadata:\n  annotations:\n    note: {{ v | toyaml | indent(4) }}\n");
const LIST = jobTemplate({ container: "        args:\n        {{ v | toyaml | indent(8) }}" });

function note(v: string): unknown {
  return expand(SCALAR, [{ item: "a", v }])[0]?.metadata.annotations?.note;
}

function args(v: string[]): unknown {
  return (expand(LIST, [{ item: "a", v }])[0]?.spec.template.spec as { containers: { args?: unknown }[] }).containers[0]?.args;
}

// Strings whose block scalar form needs an indentation indicator, or a final line break.
const EDGES = ["\n x", " x\ny", "\n\n  x\n", "a\n", "a\n\n", "\n", " ", "a\n b", "x\n\ty", "tail \n"];

describe("toyaml | indent(N) keeps strings exact", () => {
  it.each(EDGES)("as a scalar: %j", (v) => {
    expect(note(v)).toBe(v);
  });

  it("as list items", () => {
    expect(args(EDGES)).toEqual(EDGES);
  });

  it("for any multi-line text (property)", () => {
    const text = fc.array(fc.constantFrom("", " ", "  x", "x", "\t", "a b", "#", "- y", "k: v"), { minLength: 1, maxLength: 5 }).map((lines) => lines.join("\n"));
    fc.assert(
      fc.property(text, fc.constantFrom("", "\n", "\n\n"), (body, end) => {
        const v = body + end;
        expect(note(v)).toBe(v);
        expect(args([v, "after"])).toEqual([v, "after"]);
      }),
      { numRuns: 300 },
    );
  });
});
