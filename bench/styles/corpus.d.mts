/** Types of corpus.mjs, for bench/styles-share.ts. */
export interface Style {
  file: string;
  what: string;
  columns: string[];
  row: (i: number) => string[];
}
export const STYLES: Record<string, Style>;
export function csvChunks(style: Style, rows: number, chunk?: number): Generator<string>;
export function rowObjects(style: Style, rows: number): Record<string, string>[];
