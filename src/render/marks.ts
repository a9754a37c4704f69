/**
 * The placeholders of a traced rendering: `\uE000<n>\uE001` stands where the n-th
 * `{{ … }}` result was written (see renderMarked in src/render/template.ts). Private-use
 * characters, which a template may not contain.
 */
export const MARK_OPEN = "\uE000";
export const MARK_CLOSE = "\uE001";
export const MARK = /\uE000(\d+)\uE001/g;
