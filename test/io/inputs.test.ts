import { isUtf8 } from "node:buffer";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { InputError } from "../../src/errors";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeText, firstInvalidUtf8, readTextFile } from "../../src/io/inputs";

function decodeError(bytes: Buffer, name = "rows.csv"): string {
  try {
    decodeText(bytes, name);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("decoding a file's bytes", () => {
  it("gives UTF-8 text as it is, a byte-order mark included (the readers drop it)", () => {
    expect(decodeText(Buffer.from("item\ncrème\n"), "rows.csv")).toBe("item\ncrème\n");
    expect(decodeText(Buffer.from("\ufeffitem\na\n"), "rows.csv")).toBe("\ufeffitem\na\n");
    expect(decodeText(Buffer.alloc(0), "rows.csv")).toBe("");
  });

  it.each([
    ["UTF-16 (little-endian)", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("item\napple\n", "utf16le")]), "iconv -f UTF-16 -t UTF-8 rows.csv > rows-utf8.csv"],
    ["UTF-16 (big-endian)", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from("item\napple\n", "utf16le").swap16()]), "iconv -f UTF-16 -t UTF-8"],
    ["UTF-32 (little-endian)", Buffer.from([0xff, 0xfe, 0, 0, 0x69, 0, 0, 0]), "iconv -f UTF-32 -t UTF-8"],
  ])("refuses %s text with a byte-order mark, with the conversion", (encoding, bytes, fix) => {
    const message = decodeError(bytes);
    expect(message).toContain(`rows.csv: the file is ${encoding} text`);
    expect(message).toContain(fix);
  });

  it("refuses UTF-16 without a byte-order mark", () => {
    expect(decodeError(Buffer.from("item\napple\nbanana\n", "utf16le"))).toContain("looks like UTF-16 (little-endian) text without a byte-order mark");
    expect(decodeError(Buffer.from("item\napple\nbanana\n", "utf16le").swap16())).toContain("looks like UTF-16 (big-endian)");
  });

  it("refuses a NUL byte, naming the line and the byte offset", () => {
    expect(decodeError(Buffer.from("item\nap\u0000ple\n"))).toBe("rows.csv line 2: a NUL byte at byte offset 7: this is not a text file. Give a UTF-8 text file (CSV, YAML, JSON or NDJSON)");
  });

  it("refuses bytes that are not UTF-8, naming the line, the byte offset and the byte, with the conversion", () => {
    const latin1 = Buffer.from("item\napple\ncr\u00e8me brûlée\n", "latin1");
    const message = decodeError(latin1);
    expect(message).toContain("rows.csv line 3: the byte 0xE8 at byte offset 13 is not UTF-8");
    expect(message).toContain('(the line holds "cr\\xE8me br\\xFBl\\xE9e")');
    expect(message).toContain("iconv -f WINDOWS-1252 -t UTF-8 rows.csv > rows-utf8.csv");
  });

  it("names stdin as stdin, with a pipe for the fix", () => {
    expect(decodeError(Buffer.from([0x61, 0xe9, 0x0a]), "stdin")).toContain("stdin line 1: the byte 0xE9 at byte offset 1 is not UTF-8");
    expect(decodeError(Buffer.from([0x61, 0xe9, 0x0a]), "stdin")).toContain("pipe it through iconv -f WINDOWS-1252 -t UTF-8");
  });

  it.each([
    ["an overlong form", [0x41, 0xc0, 0xaf], 1],
    ["an encoded surrogate", [0x41, 0x42, 0xed, 0xa0, 0x80], 2],
    ["a sequence cut short", [0x41, 0xe2, 0x82], 1],
    ["a lone continuation byte", [0x80], 0],
    ["past U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 0],
  ])("finds %s", (_what, bytes, offset) => {
    expect(firstInvalidUtf8(Buffer.from(bytes))).toBe(offset);
  });

  it("firstInvalidUtf8 finds a problem exactly when Node's isUtf8 does (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        expect(firstInvalidUtf8(bytes) === -1).toBe(isUtf8(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it("gives back any text saved as UTF-8 (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }).filter((s) => !s.includes("\u0000")), (text) => {
        expect(decodeText(Buffer.from(text, "utf8"), "rows.csv")).toBe(text);
      }),
    );
  });
});

describe("reading a file as text", () => {
  const dir = mkdtempSync(join(tmpdir(), "jobx-inputs-"));
  const path = (name: string, bytes: Buffer) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };

  it("reads UTF-8, a real U+FFFD included", () => {
    expect(readTextFile(path("ok.csv", Buffer.from("item\ncrème\n")), "ok.csv")).toBe("item\ncrème\n");
    expect(readTextFile(path("fffd.csv", Buffer.from("item\na\ufffdb\n")), "fffd.csv")).toBe("item\na\ufffdb\n");
  });

  it("refuses what decodeText refuses, with the same message", () => {
    const latin1 = Buffer.from("item\ncr\u00e8me\n", "latin1");
    expect(() => readTextFile(path("latin1.csv", latin1), "latin1.csv")).toThrow(decodeError(latin1, "latin1.csv"));
    const utf16 = Buffer.from("item\napple\n", "utf16le");
    expect(() => readTextFile(path("utf16.csv", utf16), "utf16.csv")).toThrow(decodeError(utf16, "utf16.csv"));
  });
});
