import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { YAML11_SCHEMA, load } from "js-yaml";
import { b64decode, b64encode, dnslabel, indent, quote, tojson, toyaml } from "../../src/render/filters";

const kw = (o: Record<string, unknown>) => ({ ...o, __keywords: true });

describe("tojson", () => {
  it.each([
    ["plain string", "apple", '"apple"'],
    ["quotes and backslash", 'a"b\\c', '"a\\"b\\\\c"'],
    ["newline and tab", "a\nb\tc", '"a\\nb\\tc"'],
    ["html-safe like Jinja2", "<a href='x'>&", '"\\u003ca href=\\u0027x\\u0027\\u003e\\u0026"'],
    ["non-ASCII escaped like Python's ensure_ascii", "é😀", '"\\u00e9\\ud83d\\ude00"'],
    ["line separator", "a\u2028b", '"a\\u2028b"'],
    ["integer", 7, "7"],
    ["boolean", true, "true"],
    ["null", null, "null"],
    ["list with Python separators", [1, "a"], '[1, "a"]'],
    ["dict with sorted keys", { b: 1, a: [true] }, '{"a": [true], "b": 1}'],
    ["empty containers", { a: [], b: {} }, '{"a": [], "b": {}}'],
  ])("%s", (_name, input, expected) => {
    expect(tojson(input)).toBe(expected);
  });

  it("indents like json.dumps(indent=2)", () => {
    expect(tojson({ a: [1] }, kw({ indent: 2 }))).toBe('{\n  "a": [\n    1\n  ]\n}');
  });

  it("reads back as the same value under YAML 1.1 and 1.2 for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        const text = `v: ${tojson(s)}`;
        expect((load(text) as { v: string }).v).toBe(s);
        expect((load(text, { schema: YAML11_SCHEMA }) as { v: string }).v).toBe(s);
      }),
    );
  });
});

describe("quote", () => {
  it.each([
    ["on", '"on"'],
    ["0777", '"0777"'],
    ["héllo", '"héllo"'],
    ["a\u0085b", '"a\\u0085b"'],
    ["x\u2029", '"x\\u2029"'],
    [5, '"5"'],
    [null, '""'],
  ])("%j → %s", (input, expected) => {
    expect(quote(input)).toBe(expected);
  });

  it("refuses maps and lists, naming tojson", () => {
    expect(() => quote({ a: 1 })).toThrow(/use tojson/);
  });

  it("is one string scalar with its text intact under YAML 1.1 and 1.2, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }).filter((s) => !/[\ud800-\udfff]/.test(s)), (s) => {
        const text = `- ${quote(s)}\n- after`;
        expect(load(text)).toEqual([s, "after"]);
        expect(load(text, { schema: YAML11_SCHEMA })).toEqual([s, "after"]);
      }),
    );
  });
});

describe("toyaml", () => {
  it("quotes strings YAML 1.1 reads as other types, and drops the final newline", () => {
    expect(toyaml({ a: "on", b: "0777", c: "~", d: 1 })).toBe("a: 'on'\nb: '0777'\nc: '~'\nd: 1");
  });

  it("reads back the same under YAML 1.1 and 1.2", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constantFrom("on", "yes", "0777", "1e3", "1_000", "0b11", "60:30"))), (obj) => {
        const text = toyaml(obj);
        expect(load(text)).toEqual(obj);
        expect(load(text, { schema: YAML11_SCHEMA })).toEqual(obj);
      }),
    );
  });
});

describe("indent (Jinja2 3.x semantics)", () => {
  it.each([
    ["default width 4, first line kept, blank lines kept", ["a\n\nb"], "a\n\n    b"],
    ["width", ["a\nb", 2], "a\n  b"],
    ["first=True", ["a\nb", kw({ width: 2, first: true })], "  a\n  b"],
    ["blank=True indents blank lines", ["a\n\nb", kw({ width: 2, blank: true })], "a\n  \n  b"],
    ["string width", ["a\nb", "--"], "a\n--b"],
    ["trailing newline kept", ["a\nb\n", 2], "a\n  b\n"],
    ["CRLF becomes LF like Python's splitlines", ["a\r\nb", 2], "a\n  b"],
  ])("%s", (_name, args, expected) => {
    const [value, ...rest] = args as [unknown, ...unknown[]];
    expect(indent(value, ...rest)).toBe(expected);
  });

  it("refuses unknown keywords", () => {
    expect(() => indent("a", kw({ widht: 2 }))).toThrow(/unknown argument 'widht'/);
  });
});

describe("b64encode / b64decode", () => {
  it("encodes UTF-8 and round-trips", () => {
    expect(b64encode("héllo")).toBe("aMOpbGxv");
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(b64decode(b64encode(s))).toBe(s.toWellFormed());
      }),
    );
  });
});

describe("dnslabel", () => {
  it.each([
    ["Apple Pie", "apple-pie"],
    ["Crème Brûlée", "creme-brulee"],
    ["--a__b--", "a-b"],
    ["UPPER.case/path", "upper-case-path"],
    [42, "42"],
  ])("%j → %s", (input, expected) => {
    expect(dnslabel(input)).toBe(expected);
  });

  it("is never empty: nothing usable becomes x plus a hash", () => {
    expect(dnslabel("日本")).toMatch(/^x[0-9a-f]{8}$/);
    expect(dnslabel("日本")).not.toBe(dnslabel("中国"));
  });

  it("always gives a valid label fragment within max", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.integer({ min: 1, max: 63 }), (s, max) => {
        const label = dnslabel(s, max);
        expect(label.length).toBeGreaterThan(0);
        expect(label.length).toBeLessThanOrEqual(max);
        expect(label).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      }),
    );
  });
});

