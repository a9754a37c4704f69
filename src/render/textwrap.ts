/**
 * Python's textwrap.wrap(), as Jinja2's wordwrap filter calls it (expand_tabs=False,
 * replace_whitespace=False, drop_whitespace=True, no indents, no max_lines).
 */
import { pyError } from "./errors";
import { PY_SPACE } from "./lexer";
import { codePoints } from "./runtime";

const WS = "[\\t\\n\\v\\f\\r ]";
const NWS = "[^\\t\\n\\v\\f\\r ]";
const WORD = "[\\p{L}\\p{N}_]";
const WORD_PUNCT = `(?:${WORD}|[!"'&.,?])`;
const LETTER = "[\\p{L}\\p{Nl}\\p{No}_]";
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WORD_PUNCT})-{2,}(?=${WORD})|${NWS}+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})|(?=${WS}|$)|(?<=${WORD_PUNCT})(?=-{2,}${WORD})))`,
  "u",
);
const WORDSEP_SIMPLE = new RegExp(`(${WS}+)`, "u");
const PY_STRIP = new RegExp(`^[${PY_SPACE}]*$`);

const length = (s: string) => codePoints(s).length;
const slice = (s: string, start: number, end?: number) => codePoints(s).slice(start, end).join("");

export function wrap(text: string, width: number, breakLongWords: boolean, breakOnHyphens: boolean): string[] {
  if (width <= 0) throw pyError("ValueError", `invalid width ${width} (must be > 0)`);
  const chunks = text.split(breakOnHyphens ? WORDSEP : WORDSEP_SIMPLE).filter((c) => c);
  chunks.reverse();
  const lines: string[] = [];
  while (chunks.length) {
    const line: string[] = [];
    let lineLength = 0;
    if (PY_STRIP.test(chunks[chunks.length - 1] as string) && lines.length) chunks.pop();
    while (chunks.length) {
      const l = length(chunks[chunks.length - 1] as string);
      if (lineLength + l <= width) {
        line.push(chunks.pop() as string);
        lineLength += l;
      } else break;
    }
    if (chunks.length && length(chunks[chunks.length - 1] as string) > width) {
      const spaceLeft = width < 1 ? 1 : width - lineLength;
      if (breakLongWords) {
        let end = spaceLeft;
        const chunk = chunks[chunks.length - 1] as string;
        if (breakOnHyphens && length(chunk) > spaceLeft) {
          const hyphen = slice(chunk, 0, spaceLeft).lastIndexOf("-");
          if (hyphen > 0 && [...chunk.slice(0, hyphen)].some((c) => c !== "-")) end = length(chunk.slice(0, hyphen)) + 1;
        }
        line.push(slice(chunk, 0, end));
        chunks[chunks.length - 1] = slice(chunk, end);
      } else if (!line.length) line.push(chunks.pop() as string);
      lineLength = line.reduce((n, c) => n + length(c), 0);
    }
    if (line.length && PY_STRIP.test(line[line.length - 1] as string)) line.pop();
    if (line.length) lines.push(line.join(""));
  }
  return lines;
}
