/**
 * How a file shows it is text in an encoding other than UTF-8: its byte-order mark, or
 * the NULs of UTF-16 without one. The whole-file reader (inputs.ts) names the encoding and
 * the fix; the line reader (line-file.ts) leaves such a file to it.
 */

/** Byte-order marks of the encodings people save text in by mistake, longest first. */
export const BOMS: readonly { bytes: readonly number[]; encoding: string; iconv: string }[] = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: "UTF-32 (little-endian)", iconv: "UTF-32" },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: "UTF-32 (big-endian)", iconv: "UTF-32" },
  { bytes: [0xff, 0xfe], encoding: "UTF-16 (little-endian)", iconv: "UTF-16" },
  { bytes: [0xfe, 0xff], encoding: "UTF-16 (big-endian)", iconv: "UTF-16" },
];

export function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** UTF-16 without a byte-order mark: mostly ASCII text has a NUL in every other byte. */
export function utf16WithoutBom(bytes: Uint8Array): "little-endian" | "big-endian" | undefined {
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const half = n / 4;
  if (odd > half && even === 0) return "little-endian";
  if (even > half && odd === 0) return "big-endian";
  return undefined;
}

/** Whether the file's first bytes show another encoding (see above). */
export function startsInAnotherEncoding(bytes: Uint8Array): boolean {
  return BOMS.some((bom) => startsWith(bytes, bom.bytes)) || utf16WithoutBom(bytes) !== undefined;
}
