/** Short stable digests of text, for names that must stay distinct and sets that keep no strings. */
import { createHash } from "node:crypto";

/** A short, stable hex digest, used to keep cut or sanitised names distinct. */
export function shortHash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** Two 32-bit FNV-1a variants combined into 53 bits (a JavaScript number holds them exactly). */
export function hash53(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
