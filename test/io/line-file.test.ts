import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors";
import { readParamFiles } from "../../src/io/inputs";
import { defaultGroupName } from "../../src/group/default-name";
import { fileAxis, fileRows } from "../../src/params/files";
import type { ParamFile } from "../../src/params/types";

const dir = mkdtempSync(join(tmpdir(), "jobx-line-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function onDisk(name: string, content: string | Buffer): ParamFile {
  const path = join(dir, name);
  writeFileSync(path, content);
  const [file] = readParamFiles([path]);
  return file as ParamFile;
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof InputError) return `${err.where ?? ""}: ${err.message}`.replace(dir, "DIR");
    throw err;
  }
  return "no error";
}

/** A row per line, values of many lengths so lines fall across the reader's windows and blocks. */
function bigCsv(rows: number, lineEnd: string, ascii = false): string {
  const lines = ["id,url,title,note"];
  for (let i = 0; i < rows; i++) {
    const pad = "x".repeat((i * 7919) % 300);
    const title = i % 5 === 0 ? `"Report ${i}: ""daily"", part ${i % 3}"` : `t${i}`;
    lines.push(`${i},http://example.org/${pad}/${i},${title},${i % 11 === 0 && !ascii ? "é ü 日本 🚀" : ""}`);
    if (i % 97 === 0) lines.push("");
  }
  return lines.join(lineEnd) + lineEnd;
}

describe("a CSV parameter file read a line at a time", () => {
  it.each([
    ["LF", "\n", false],
    ["CRLF", "\r\n", false],
    ["ASCII only", "\n", true],
  ])("gives the rows the whole-text reader gives (%s, lines across many windows)", (_, lineEnd, ascii) => {
    const text = bigCsv(30_000, lineEnd, ascii);
    const file = onDisk(`big-${lineEnd.length}-${ascii}.csv`, text);
    expect(file.lines, "read as lines").toBeDefined();
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 1024 * 1024);
    const streamed = fileAxis(file);
    const whole = fileAxis({ name: file.name, text });
    expect(streamed.length).toBe(whole.length);
    expect(streamed.keys).toEqual(whole.keys);
    // Out of order too, as a product of two files walks the inner one again and again.
    for (const position of [0, 1, 29_999, 15_000, 3, 20_000, 2, 29_998]) expect(streamed.entries(position)).toEqual(whole.entries(position));
    expect(fileRows(file)).toEqual(fileRows({ name: file.name, text }));
  });

  it("gives the group the name the same file read whole gives it, characters of every width across its blocks", () => {
    const text = bigCsv(30_000, "\n");
    const file = onDisk("named.csv", text);
    expect(file.lines).toBeDefined();
    const spec = (files: ParamFile[]) => ({ items: [], params: [], ranges: [], zip: false, files, sets: [] });
    const name = defaultGroupName("t", "template", spec([file]));
    expect(name).toBe(defaultGroupName("t", "template", spec([{ name: file.name, text }])));
    expect(name).not.toBe(defaultGroupName("t", "template", spec([{ name: file.name, text: text.replace("Report 5:", "Report 6:") }])));
  });

  it.each([
    ["no line break at the end", "a,b\n1,2\n3,4"],
    ["blank lines", "\n\na,b\n\n1,2\n\n\n3,4\n\n"],
    ["one column", "name\nx\ny\n"],
    ["quoted values", 'a,b\n"1,5","say ""hi"""\n"",x\n'],
  ])("reads small files alike too (%s)", (_, text) => {
    const file = onDisk("small.csv", text);
    expect(file.lines).toBeDefined();
    expect(fileRows(file)).toEqual(fileRows({ name: file.name, text }));
  });

  it("names the line of a row with the wrong number of columns, counting blank lines", () => {
    const text = "a,b\n\n1,2\n\n1,2,3\n";
    const streamed = messageOf(() => fileAxis(onDisk("bad.csv", text)));
    expect(streamed).toContain("bad.csv line 5: row 2 has 3 columns but the header has 2");
    expect(streamed).toBe(messageOf(() => fileAxis({ name: join(dir, "bad.csv"), text })));
  });

  it("hands a quoted value spanning lines to the whole-text reader", () => {
    const text = 'a,b\n"two\nlines",x\ny,z\n';
    const file = onDisk("multi.csv", text);
    expect(fileRows(file)).toEqual([
      { a: "two\nlines", b: "x" },
      { a: "y", b: "z" },
    ]);
  });

  it.each([
    ["a UTF-8 byte-order mark", Buffer.from("\ufeffa,b\n1,2\n")],
    ["a lone CR", Buffer.from("a,b\r1,2\r")],
  ])("leaves a file with %s to the whole-text reader", (_, bytes) => {
    const file = onDisk("other.csv", bytes);
    expect(file.lines).toBeUndefined();
    expect(file.text).toBeDefined();
  });

  it.each([
    ["UTF-16", Buffer.from("\ufeffa,b\n1,2\n", "utf16le"), "UTF-16"],
    ["Latin-1", Buffer.from("a,b\ncaf\xe9,2\n", "latin1"), "is not UTF-8"],
    ["a NUL byte", Buffer.from("a,b\n1\u0000,2\n"), "NUL byte"],
  ])("refuses %s with the whole-text reader's message", (_, bytes, expected) => {
    expect(messageOf(() => onDisk("enc.csv", bytes))).toContain(expected);
  });

  it("refuses to go on when the file changes while its rows are read", () => {
    const text = bigCsv(30_000, "\n");
    const path = join(dir, "changing.csv");
    writeFileSync(path, text);
    const [file] = readParamFiles([path]);
    const axis = fileAxis(file as ParamFile);
    writeFileSync(path, text.replace("http://", "https://"));
    expect(messageOf(() => axis.entries(25_000))).toContain("the file changed while jobx was reading it");
  });
});
