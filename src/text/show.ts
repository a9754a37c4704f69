/** A user's text inside a message for people: its edges and invisible characters visible. */

/** Shows a user's text in a message with its edges and invisible characters visible. */
export function showText(text: string): string {
  return JSON.stringify(text);
}
