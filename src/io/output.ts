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

export class StdoutSink {
  /** Held text, joined into flat pieces of about CHUNK_BYTES. */
  private chunks: string[] = [];
  /** Documents not yet joined into a piece. */
  private pending: string[] = [];
  private pendingBytes = 0;
  private heldBytes = 0;
  private streaming = false;
  /** Documents (or renderings) already handed to stdout. */
  written = 0;
  private heldDocs = 0;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {}

  /**
   * Adds one document's text; when it returns a promise, more may be produced once it
   * resolves. Most documents only join the hold: no promise, no wait, for each of a million.
   */
  write(text: string): Promise<void> | undefined {
    this.pending.push(text);
    this.pendingBytes += text.length;
    this.heldDocs++;
    if (this.pendingBytes < CHUNK_BYTES) return undefined;
    return this.piece();
  }

  private async piece(): Promise<void> {
    // Joined now: a flat string holds its text alone, where the documents (often ropes
    // of many small strings) would hold much more, and writing needs no copy of the whole hold.
    this.chunks.push(this.pending.join(""));
    this.heldBytes += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.streaming || this.heldBytes >= HOLD_BYTES) {
      this.streaming = true;
      await this.flush();
    }
  }

  private async flush(): Promise<void> {
    if (this.pending.length > 0) this.chunks.push(this.pending.join(""));
    const chunks = this.chunks;
    this.chunks = [];
    this.pending = [];
    this.pendingBytes = 0;
    this.heldBytes = 0;
    this.written += this.heldDocs;
    this.heldDocs = 0;
    for (let n = 0; n < chunks.length; n++) {
      const chunk = chunks[n] as string;
      chunks[n] = ""; // let each piece go once written
      if (!this.stream.write(chunk)) await once(this.stream, "drain");
    }
  }

  /** Everything held goes out. */
  async end(): Promise<void> {
    await this.flush();
  }

  /** After an error: drop what was held; say whether anything already went out. */
  abandon(): { incomplete: boolean; written: number } {
    this.chunks = [];
    this.pending = [];
    return { incomplete: this.written > 0, written: this.written };
  }
}

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
