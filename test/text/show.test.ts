import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { showText, terminalSafe } from "../../src/text/show";
import { RAW } from "./helpers";

describe("terminalSafe", () => {
  it.each([
    ["\u001b[31mred\u001b[0m", "\\u001b[31mred\\u001b[0m"],
    ["8-bit CSI \u009b2J", "8-bit CSI \\u009b2J"],
    ["bell\u0007", "bell\\u0007"],
    ["del\u007f", "del\\u007f"],
    ["a\nb\tc\rd", "a\\nb\\tc\\rd"],
    ["\u202eevil", "\\u202eevil"],
    ["zero\u200bwidth", "zero\\u200bwidth"],
    ["line\u2028sep", "line\\u2028sep"],
    ["lone \ud800 surrogate", "lone \\ud800 surrogate"],
    ["tag \u{e0041}", "tag \\udb40\\udc41"],
  ])("escapes %j", (text, shown) => {
    expect(terminalSafe(text)).toBe(shown);
  });

  it("leaves ordinary text alone, non-ASCII, emoji and backslashes included", () => {
    for (const text of ["apple", "Crème Brûlée", "日本語", "🍎", "C:\\dir", "a b"]) expect(terminalSafe(text)).toBe(text);
  });

  it("never lets a raw control or format character through (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(terminalSafe(text)).not.toMatch(RAW);
        expect(showText(text)).not.toMatch(RAW);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("showText", () => {
  it("quotes as JSON, so edges, quotes and backslashes are exact", () => {
    expect(showText(' a"b\\ ')).toBe('" a\\"b\\\\ "');
    expect(JSON.parse(showText("x\u001by"))).toBe("x\u001by");
    expect(JSON.parse(showText("tag \u{e0041}"))).toBe("tag \u{e0041}");
  });

  it("escapes what JSON leaves raw: DEL, C1 controls, separators, bidi controls", () => {
    expect(showText("\u007f\u0085\u009b\u2028\u202e")).toBe('"\\u007f\\u0085\\u009b\\u2028\\u202e"');
  });

  it("reads back as the exact text (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(JSON.parse(showText(text))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});
