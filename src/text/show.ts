/**
 * A user's text inside a message for people. Values come from parameter files and the
 * command line, and a terminal acts on some characters instead of showing them: ESC and
 * the 8-bit CSI (U+009B) start escape sequences that recolour, move the cursor or retitle
 * the window; U+202E and the other bidi controls reorder what follows; zero-width and
 * other format characters hide text. Whatever reaches a terminal from a value goes
 * through one of these two functions.
 */

// C0 and C1 controls and DEL (Cc), format characters such as the bidi controls, zero-width
// characters and the BOM (Cf), the line and paragraph separators (Zl, Zp), and lone
// surrogates (Cs), which are not text at all.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "gu");
const SHORT_ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escape(c: string): string {
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return short;
  // Each UTF-16 unit as \uXXXX, as JSON writes them, so showText's form stays JSON.
  let out = "";
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`;
  return out;
}

/**
 * The text with every character a terminal would act on, or that would hide or reorder
 * text, written as an escape (`\u001b`, `\n`); everything else as it is. For text shown
 * without quotes, such as a row's values in "row 3 (item=apple)". A backslash is kept as
 * it is, so the form is for reading, not for reading back: use showText when the exact
 * text matters.
 */
export function terminalSafe(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escape) : text;
}

/**
 * A user's text in a message, quoted as a JSON string, so its edges, quotes and
 * backslashes are exact, with every character terminalSafe escapes escaped too.
 */
export function showText(text: string): string {
  return terminalSafe(JSON.stringify(text));
}
