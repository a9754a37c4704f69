import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { StdoutSink } from "../../src/io/output";

/** A stream that keeps what it is given, writing at once (as a file does) or on the next turn (as a pipe may). */
function collector(mode: "at once" | "later" = "at once", highWaterMark?: number) {
  const received: Buffer[] = [];
  let bytes = 0;
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      received.push(Buffer.from(chunk)); // a copy: the sink fills its pieces again once written
      bytes += chunk.length;
      if (mode === "at once") done();
      else setImmediate(done);
    },
  });
  return { stream, text: () => Buffer.concat(received).toString("utf8"), bytes: () => bytes };
}

async function writeAll(sink: StdoutSink, docs: Iterable<string>, lead = "---\n", onEach?: () => void): Promise<void> {
  for (const doc of docs) {
    const wait = sink.write(doc, lead);
    if (wait) await wait;
    onEach?.();
  }
}

const HOLD = 256 * 1024;
const PIECE = 64 * 1024;

describe("the stdout sink", () => {
  it("holds output back until the end while it is small, then writes it all in order", async () => {
    const out = collector();
    const sink = new StdoutSink(out.stream, HOLD);
    const docs = Array.from({ length: 100 }, (_, i) => `name: job-${i}\n`);
    await writeAll(sink, docs);
    expect(out.bytes()).toBe(0);
    await sink.end();
    expect(out.text()).toBe(docs.map((d) => `---\n${d}`).join(""));
  });

  it.each([
    ["at once", 1020],
    ["at once", 1281],
    ["later", 1281],
    ["at once", 16_380],
  ] as const)("streams past the hold, never holding much more, when the stream writes %s (documents of %i bytes)", async (mode, size) => {
    // Documents all of one length fill each piece at the same place; for some lengths (1020,
    // 1281, 16380 among them) that place is the next document's `---` line, which must
    // stream like any other (it once held everything to the end: a gigabyte at a million rows).
    for (const length of [size - 1, size, size + 1]) {
      const out = collector(mode);
      const sink = new StdoutSink(out.stream, HOLD);
      const doc = `${"x".repeat(length - 1)}\n`;
      let produced = 0;
      let mostHeld = 0;
      await writeAll(sink, Array.from({ length: Math.ceil((4 * 1024 * 1024) / length) }, () => doc), "---\n", () => {
        produced += doc.length + 4;
        mostHeld = Math.max(mostHeld, produced - out.bytes());
      });
      expect(mostHeld, `documents of ${length} bytes`).toBeLessThanOrEqual(HOLD + 2 * PIECE);
      await sink.end();
      expect(out.bytes()).toBe(produced);
    }
  });

  it("writes text of every width and documents larger than a piece exactly", async () => {
    const out = collector();
    const sink = new StdoutSink(out.stream, HOLD);
    const docs = ["ascii\n", "é and ü\n", "日本語\n", "emoji 🚀\n", `${"ü".repeat(PIECE)}\n`, `${"a".repeat(3 * PIECE)}\n`, "end\n"];
    const many = Array.from({ length: 200 }, (_, i) => docs[i % docs.length] as string);
    await writeAll(sink, many);
    await sink.end();
    expect(out.text()).toBe(many.map((d) => `---\n${d}`).join(""));
  });

  it("keeps order when a row's documents are written before the wait one of them asked for", async () => {
    // A stream that is full after every piece: a flush waits for it between pieces.
    const out = collector("later", 1);
    const sink = new StdoutSink(out.stream, HOLD);
    // Documents of about half a piece: a row's next document fills a piece while a flush waits.
    const docs = Array.from({ length: 300 }, (_, i) => `name: job-${i}-${"z".repeat(PIECE / 2 + (i % 7) * 1000)}\n`);
    for (let row = 0; row < docs.length; row += 3) {
      let wait: Promise<void> | undefined;
      for (const doc of docs.slice(row, row + 3)) wait = sink.write(doc, "---\n") ?? wait;
      if (wait) await wait;
    }
    await sink.end();
    expect(out.text()).toBe(docs.map((d) => `---\n${d}`).join(""));
  });

  it("says the output is incomplete when an error comes after some of it went out", async () => {
    const out = collector();
    const sink = new StdoutSink(out.stream, HOLD);
    await writeAll(sink, ["a\n"]);
    expect(sink.abandon()).toEqual({ incomplete: false, written: 0 });

    const streamed = new StdoutSink(out.stream, HOLD);
    await writeAll(streamed, Array.from({ length: 1000 }, () => `${"y".repeat(999)}\n`));
    const { incomplete, written } = streamed.abandon();
    expect(incomplete).toBe(true);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(1000);
  });
});
