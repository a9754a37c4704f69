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

/** A string given in pieces that never split a character (a file read a block at a time). */
export class TextPieces {
  constructor(readonly pieces: () => Iterable<string>) {}
}

function updateJson(hash: Hash, value: unknown): void {
  if (value instanceof TextPieces) {
    // Escaped piece by piece exactly as JSON escapes the whole string.
    hash.update('"');
    for (const piece of value.pieces()) updateEscaped(hash, piece);
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
  const hashed = { ...spec, files: spec.files.map((file) => (file.lines ? { name: file.name, text: new TextPieces(() => file.lines.pieces()) } : file)) };
  return `${toDnsLabel(baseName, 40)}-${jsonSha256([templateText, hashed]).slice(0, 6)}`;
}
