/**
 * The default group name: the template's name and a short hash of the template and the
 * parameters, so the same inputs always make the same group and a changed input a new one.
 */
import { createHash, type Hash } from "node:crypto";
import type { ParamSpec } from "../params/types";
import { toDnsLabel } from "../text/dns";

// Long strings are escaped a slice at a time (never splitting a surrogate pair).
const SLICE = 64 * 1024;

/**
 * Feeds `value`'s JSON text, exactly as JSON.stringify writes it, into `hash` without
 * building it: parameter files can be hundreds of megabytes, and a JSON copy of them
 * would be the largest thing the expansion ever held.
 */
/** A string's JSON escaping without its quotes, a slice at a time (never splitting a surrogate pair). */
function updateEscaped(hash: Hash, value: string): void {
  for (let at = 0; at < value.length; ) {
    let end = Math.min(at + SLICE, value.length);
    const last = value.charCodeAt(end - 1);
    if (end < value.length && last >= 0xd800 && last <= 0xdbff) end++;
    hash.update(JSON.stringify(value.slice(at, end)).slice(1, -1));
    at = end;
  }
}

/**
 * A text given as its UTF-8 bytes, a chunk at a time (a file read a block at a time; a
 * chunk may be overwritten once the next is asked for). Hashed as the JSON string of the
 * text, escaped byte by byte: no string of it is ever made, so reading a large file for
 * its hash leaves nothing behind for the garbage collector.
 */
export class TextBytes {
  constructor(readonly chunks: () => Iterable<Uint8Array>) {}
}

/** How JSON.stringify writes each byte below 0x20, and `"` and `\\`; undefined: as it is. */
const BYTE_ESCAPES: (Uint8Array | undefined)[] = Array.from({ length: 256 }, (_, byte) => {
  const char = String.fromCharCode(byte);
  const json = byte < 0x80 ? JSON.stringify(char).slice(1, -1) : char;
  return json === char ? undefined : Buffer.from(json, "latin1");
});

/**
 * `bytes` (UTF-8, whole characters or not) as the bytes of their JSON string's inside,
 * written into `out` (at least 6 bytes per byte of `bytes`). Bytes of 0x80 and above pass
 * as they are: JSON.stringify escapes only lone surrogates there, which UTF-8 cannot hold.
 */
function escapeJsonBytes(bytes: Uint8Array, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    const escape = BYTE_ESCAPES[byte];
    if (escape === undefined) out[n++] = byte;
    else for (let k = 0; k < escape.length; k++) out[n++] = escape[k] as number;
  }
  return n;
}

function updateEscapedBytes(hash: Hash, text: TextBytes): void {
  let out = new Uint8Array(0);
  for (const chunk of text.chunks()) {
    if (out.length < chunk.length * 6) out = new Uint8Array(chunk.length * 6);
    hash.update(out.subarray(0, escapeJsonBytes(chunk, out)));
  }
}

function updateJson(hash: Hash, value: unknown): void {
  if (value instanceof TextBytes) {
    hash.update('"');
    updateEscapedBytes(hash, value);
    hash.update('"');
  } else if (typeof value === "string") {
    if (value.length <= SLICE) {
      hash.update(JSON.stringify(value));
      return;
    }
    hash.update('"');
    updateEscaped(hash, value);
    hash.update('"');
  } else if (Array.isArray(value)) {
    hash.update("[");
    value.forEach((item, n) => {
      if (n > 0) hash.update(",");
      if (item === undefined || typeof item === "function") hash.update("null");
      else updateJson(hash, item);
    });
    hash.update("]");
  } else if (value !== null && typeof value === "object") {
    hash.update("{");
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === "function") continue;
      hash.update(`${first ? "" : ","}${JSON.stringify(key)}:`);
      first = false;
      updateJson(hash, item);
    }
    hash.update("}");
  } else hash.update(JSON.stringify(value) ?? "null");
}

/** sha256 of JSON.stringify(value), in hex, computed without the JSON text. */
export function jsonSha256(value: unknown): string {
  const hash = createHash("sha256");
  updateJson(hash, value);
  return hash.digest("hex");
}

/** `baseName`: the template's name without folders and extensions ("process" for jobs/process.yaml.njk). */
export function defaultGroupName(baseName: string, templateText: string, spec: ParamSpec): string {
  // A file read as lines is hashed as its text, so the name does not depend on how it was read.
  const hashed = { ...spec, files: spec.files.map((file) => (file.lines ? { name: file.name, text: new TextBytes(() => file.lines.bytes()) } : file)) };
  return `${toDnsLabel(baseName, 40)}-${jsonSha256([templateText, hashed]).slice(0, 6)}`;
}
