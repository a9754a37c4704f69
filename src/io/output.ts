/**
 * Writing expansion output without losing anything.
 *
 * stdout: output is held back up to HOLD_BYTES, so for ordinary sizes an error means
 * nothing at all was written; past that it streams (keeping memory flat for a million
 * rows), and an error then says plainly that stdout holds incomplete output.
 *
 * --out-dir: files are written into a hidden staging folder inside DIR and moved into
 * place only when every row succeeded; on an error the staging folder is removed and
 * DIR is as it was.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { InputError } from "../errors";
import { join, relative } from "node:path";
import { once } from "node:events";

export const HOLD_BYTES = 16 * 1024 * 1024;
/** Size of the pieces output is held and written in: small, so writing one never copies much at once. */
const CHUNK_BYTES = 64 * 1024;
/** The most bytes a UTF-16 code unit takes in UTF-8. */
const MAX_BYTES_PER_UNIT = 3;

export class StdoutSink {
  /** Held output, encoded: full pieces of about CHUNK_BYTES, outside the JavaScript heap. */
  private chunks: Buffer[] = [];
  /** The piece being filled, and how much of it is. */
  private buffer: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  /**
   * Pieces the stream has finished writing, to be filled again: a new piece for every 64 KiB
   * of a million rows' output would wait for the garbage collector, which does not hurry
   * for memory outside the heap (a gigabyte at a million rows).
   */
  private readonly spare: Buffer[] = [];
  private used = 0;
  private heldBytes = 0;
  private streaming = false;
  /** The flush under way, if one is: a caller may write more before it waits for it. */
  private flushing: Promise<void> | undefined;
  /** Documents (or renderings) already handed to stdout. */
  written = 0;
  private heldDocs = 0;

  /** `holdBytes`: how much is held back before streaming starts (tests make it small). */
  constructor(
    private readonly stream: NodeJS.WritableStream = process.stdout,
    private readonly holdBytes = HOLD_BYTES,
  ) {}

  /**
   * Adds one document's text (after `lead`, e.g. its `---` line); when it returns a
   * promise, more should be produced only once it resolves (a row's other documents may
   * still be written first: they are held for the next flush). Most documents only join
   * the hold: no promise, no wait, for each of a million. Text is encoded as it comes,
   * straight into the piece being filled: no joined copy, no second encoding when it is
   * written.
   */
  write(text: string, lead = ""): Promise<void> | undefined {
    this.heldDocs++;
    // Either may fill a piece: documents all of one length fill every piece at the same place.
    const leadFilled = lead !== "" && this.put(lead);
    const full = this.put(text) || leadFilled;
    if (!full) return undefined;
    // One flush at a time, so pieces go out in order: what comes during one joins the next.
    if (this.flushing) return this.flushing;
    if (this.streaming || this.heldBytes >= this.holdBytes) {
      this.streaming = true;
      const flushing = this.flush().finally(() => {
        this.flushing = undefined;
      });
      this.flushing = flushing;
      return flushing;
    }
    return undefined;
  }

  /** Encodes text into the hold; true when a piece was filled. */
  private put(text: string): boolean {
    // Fits for certain, without measuring: the common case.
    if ((text.length + 1) * MAX_BYTES_PER_UNIT <= this.buffer.length - this.used) {
      this.used += this.buffer.write(text, this.used);
      return false;
    }
    const bytes = Buffer.byteLength(text);
    if (bytes <= this.buffer.length - this.used) {
      this.used += this.buffer.write(text, this.used);
      return false;
    }
    this.seal();
    if (bytes > CHUNK_BYTES / 2) this.hold(Buffer.from(text));
    else this.used += this.buffer.write(text, 0);
    return true;
  }

  private hold(piece: Buffer): void {
    this.chunks.push(piece);
    this.heldBytes += piece.length;
  }

  /** The piece being filled joins the hold; a new one is started. */
  private seal(): void {
    if (this.used === 0) return;
    this.hold(this.buffer.subarray(0, this.used));
    this.buffer = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }

  private async flush(): Promise<void> {
    this.seal();
    const chunks = this.chunks;
    this.chunks = [];
    this.heldBytes = 0;
    this.written += this.heldDocs;
    this.heldDocs = 0;
    for (let n = 0; n < chunks.length; n++) {
      const chunk = chunks[n] as Buffer;
      chunks[n] = EMPTY;
      // A whole piece is filled again once the stream is done with it (a large document's own piece is let go).
      const reuse = chunk.buffer.byteLength === CHUNK_BYTES && chunk.byteOffset === 0 ? Buffer.from(chunk.buffer, 0, CHUNK_BYTES) : undefined;
      const done = reuse && this.spare.length < MAX_SPARE ? () => this.spare.push(reuse) : undefined;
      if (!this.stream.write(chunk, done)) await once(this.stream, "drain");
    }
    // A turn of the event loop: a stream that writes at once (a file, /dev/null) reports it
    // on the next tick, which a loop of resolved promises would put off to its very end,
    // holding every piece written until then.
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Everything held goes out. */
  async end(): Promise<void> {
    await this.flushing;
    await this.flush();
  }

  /** After an error: drop what was held; say whether anything already went out. */
  abandon(): { incomplete: boolean; written: number } {
    this.chunks = [];
    this.used = 0;
    this.heldBytes = 0;
    return { incomplete: this.written > 0, written: this.written };
  }
}

const EMPTY = Buffer.alloc(0);
/** At most as many spare pieces as the hold has: memory the hold has used already. */
const MAX_SPARE = HOLD_BYTES / CHUNK_BYTES;

const STAGING = ".jobx-staging-";

/** Whether process `pid` still runs (a staging folder of a live jobx is not ours to remove). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * --out-dir: DIR must be a folder jobx may write; one that already holds files is refused
 * (a second expansion would mix its manifests with the first's) unless `force`, which
 * removes the YAML files there and says which. Staging folders a killed jobx left behind
 * are removed.
 */
export class OutDirSink {
  private readonly staging: string;
  private readonly files: string[] = [];
  /** With force: the files removed from DIR first. */
  readonly removed: string[] = [];

  constructor(
    private readonly dir: string,
    options: { force?: boolean } = {},
  ) {
    let entries: string[] = [];
    try {
      if (!statSync(dir).isDirectory()) throw new InputError(`--out-dir ${dir} is a file, not a folder: give a folder (it is created if missing)`);
      entries = readdirSync(dir);
    } catch (err) {
      if (err instanceof InputError) throw err;
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new InputError(`--out-dir ${dir} cannot be read: ${(err as Error).message}`);
    }
    for (const entry of entries.filter((e) => e.startsWith(STAGING))) {
      const pid = Number(/^\.jobx-staging-(\d+)-/.exec(entry)?.[1]);
      if (!Number.isInteger(pid) || !alive(pid)) rmSync(join(dir, entry), { recursive: true, force: true });
    }
    const present = entries.filter((e) => !e.startsWith(STAGING));
    if (present.length > 0 && !options.force) {
      throw new InputError(`--out-dir ${dir} already holds ${present.length} file${present.length === 1 ? "" : "s"} (${present.slice(0, 3).join(", ")}${present.length > 3 ? ", …" : ""}): the manifests of two expansions would mix there`, {
        details: ["fix: give an empty or new folder, or add --force to remove the YAML files in it first (jobx says which)"],
      });
    }
    if (present.length > 0) {
      const yaml = present.filter((e) => /\.ya?ml$/.test(e) && statSync(join(dir, e)).isFile());
      const other = present.filter((e) => !yaml.includes(e));
      if (other.length > 0) throw new InputError(`--out-dir ${dir} holds files that are not YAML manifests (${other.slice(0, 3).join(", ")}${other.length > 3 ? ", …" : ""}): --force removes only YAML files, so give another folder`);
      for (const f of yaml) rmSync(join(dir, f));
      this.removed.push(...yaml);
    }
    try {
      mkdirSync(dir, { recursive: true });
      this.staging = mkdtempSync(join(dir, `${STAGING}${process.pid}-`));
    } catch (err) {
      throw new InputError(`--out-dir ${dir} cannot be written: ${(err as NodeJS.ErrnoException).code === "EACCES" ? "permission denied" : (err as Error).message}; choose a folder you can write`);
    }
  }

  write(fileName: string, text: string): void {
    writeFileSync(join(this.staging, fileName), text);
    this.files.push(fileName);
  }

  /** Moves every staged file into place and returns their paths as the user would type them. */
  commit(): string[] {
    const paths = this.files.map((f) => {
      const target = join(this.dir, f);
      renameSync(join(this.staging, f), target);
      return relative(process.cwd(), target) || target;
    });
    rmSync(this.staging, { recursive: true, force: true });
    return paths;
  }

  abandon(): void {
    rmSync(this.staging, { recursive: true, force: true });
  }
}
