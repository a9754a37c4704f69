/** One string as a YAML scalar that every YAML reader gives back unchanged. */

// Characters a YAML double-quoted scalar must not carry raw: C0/C1 controls, DEL, the
// BOM, non-characters, and U+0085/U+2028/U+2029, which YAML 1.1 (kubectl's reader)
// takes as line breaks where YAML 1.2 does not.
// eslint-disable-next-line no-control-regex
const YAML_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * The text as one double-quoted YAML scalar that reads back as the same string under
 * YAML 1.1 and 1.2, whatever it contains. Unlike JSON with ensure_ascii it keeps
 * non-ASCII text readable.
 */
export function yamlDoubleQuoted(text: string): string {
  // Printable ASCII but `"` and `\`: nothing to escape, so JSON.stringify's copy is not needed.
  if (NOTHING_TO_ESCAPE.test(text)) return `"${text}"`;
  const json = JSON.stringify(text);
  // Printable ASCII (most values, and every row's parameters as JSON) holds nothing to escape further.
  return PRINTABLE_ASCII.test(json) ? json : json.replace(YAML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const NOTHING_TO_ESCAPE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
