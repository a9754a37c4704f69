/**
 * How a traced rendering is read back: placeholders \u0001n\u0002 mark where the n-th
 * `{{ … }}` result was written (see renderMarked in src/render/template.ts), and tokens
 * `jobx<n>tok` stand for them in a skeleton — plain YAML scalars that no value resembles.
 */
import { MARK_CLOSE, MARK_OPEN } from "../render/marks";
import type { MarkedRendering } from "../render/template";

export const PLACEHOLDER = new RegExp(`${MARK_OPEN}(\\d+)${MARK_CLOSE}`, "g");
// The one token pattern: every reader of skeletons finds tokens with these two.
const TOKEN_PATTERN = "jobx(\\d+)tok";
/** Every token in a text, with its number. */
export const TOKEN = new RegExp(TOKEN_PATTERN, "g");
/** A text that is exactly one token. */
export const WHOLE_TOKEN = new RegExp(`^${TOKEN_PATTERN}$`);

export function token(n: number): string {
  return `jobx${n}tok`;
}

/** The real text: every placeholder replaced by its value. */
export function unmark(rendering: Pick<MarkedRendering, "marked" | "values">): string {
  if (rendering.values.length === 0) return rendering.marked;
  return rendering.marked.replace(PLACEHOLDER, (_, n: string) => rendering.values[Number(n)] ?? "");
}
