/** A user's text inside a message for people: its edges and invisible characters visible. */

/** Shows a user's text in a message with its edges and invisible characters visible. */
export function showText(text: string): string {
  return JSON.stringify(text);
}

// C0 and C1 controls (ESC among them), DEL, and the line and paragraph separators: what
// could move a terminal's cursor, change its colours or break a line where none was.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Text as a terminal may show it: control characters written as escapes (`\u001b`), so a value can never drive the terminal. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (c) => (c === "\t" ? "\\t" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}
