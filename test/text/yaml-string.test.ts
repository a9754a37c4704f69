import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { YAML11_SCHEMA, load } from "js-yaml";
import { yamlDoubleQuoted } from "../../src/text/yaml-string";

describe("yamlDoubleQuoted", () => {
  it("reads back as the same string under YAML 1.2 and 1.1, and is JSON's quoting where JSON's is printable ASCII (property)", () => {
    const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) });
    const wellFormed = fc.string({ unit: "grapheme" });
    fc.assert(
      fc.property(fc.oneof(ascii, wellFormed), (text) => {
        const quoted = yamlDoubleQuoted(text);
        expect(load(quoted)).toBe(text);
        expect(load(quoted, { schema: YAML11_SCHEMA })).toBe(text);
        const json = JSON.stringify(text);
        if (/^[\x20-\x7e]*$/.test(json)) expect(quoted).toBe(json);
      }),
      { numRuns: 500 },
    );
  });

  it("escapes what YAML would not keep raw", () => {
    expect(yamlDoubleQuoted('say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"');
    expect(yamlDoubleQuoted("a\u0085b\u2028")).toBe('"a\\u0085b\\u2028"');
    expect(yamlDoubleQuoted("tab\there")).toBe('"tab\\there"');
  });
});
