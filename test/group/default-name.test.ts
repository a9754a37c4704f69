import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TextBytes, defaultGroupName, jsonSha256 } from "../../src/group/default-name";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("the default group name's hash", () => {
  it("is sha256 of JSON.stringify, for any JSON-like value (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, text) => {
        expect(jsonSha256(value)).toBe(sha256(JSON.stringify(value)));
        expect(jsonSha256({ text, format: undefined, list: [text, undefined] })).toBe(sha256(JSON.stringify({ text, format: undefined, list: [text, undefined] })));
      }),
      { numRuns: 300 },
    );
  });

  it("is the same for strings longer than a slice, split pairs and lone surrogates included", () => {
    const slice = 64 * 1024;
    for (const text of [
      "a".repeat(slice - 1) + "😀" + "b".repeat(10),
      "a".repeat(slice) + "😀",
      `${"\"\\\n".repeat(slice)}\ud800x\udc00${"é".repeat(slice)}`,
      "a".repeat(slice - 1) + "\ud800" + "a".repeat(slice),
    ]) {
      expect(jsonSha256([text, { files: [{ name: "f.csv", text }] }])).toBe(sha256(JSON.stringify([text, { files: [{ name: "f.csv", text }] }])));
    }
  });

  it("hashes a text given as UTF-8 bytes, cut anywhere, as JSON.stringify writes the text (property)", () => {
    // Every byte below 0x20, quotes, backslashes and characters of every width; no lone surrogates (UTF-8 holds none).
    const text = fc.string({ unit: fc.oneof(fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })) });
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 6 }), (value, cuts) => {
        const bytes = Buffer.from(value);
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length));
        // One buffer refilled for every chunk, as a file is read.
        const reused = Buffer.alloc(bytes.length);
        const given = new TextBytes(function* () {
          for (const chunk of chunks) yield reused.subarray(0, chunk.copy(reused));
        });
        expect(jsonSha256(["t", { files: [{ name: "f.csv", text: given }] }])).toBe(sha256(JSON.stringify(["t", { files: [{ name: "f.csv", text: value }] }])));
      }),
      { numRuns: 300 },
    );
  });

  it("names a group after its template, with the hash of template and parameters", () => {
    const spec = { items: ["a", "b"], params: [], ranges: [], zip: false, files: [{ name: "p.csv", text: "x\n1\n" }], sets: [] };
    expect(defaultGroupName("My Template", "kind: Job", spec)).toBe(`my-template-${sha256(JSON.stringify(["kind: Job", spec])).slice(0, 6)}`);
  });
});
