/**
 * The placeholders of a traced rendering: `\u0001<n>\u0002` stands where the n-th
 * `{{ … }}` result was written (see renderMarked in src/render/template.ts). Control
 * characters, which a template may not contain (and YAML does not allow).
 *
 * They are below U+0100 on purpose: V8 keeps a string whose characters all are as one
 * byte a character, and every string cut from a rendering (each skeleton's text, each
 * value written from it, each row's output) inherits the rendering's width. With
 * private-use characters as marks, every row's output was two bytes a character: twice
 * the memory, and slower to search, hash and encode.
 */
export const MARK_OPEN = "\u0001";
export const MARK_CLOSE = "\u0002";
// eslint-disable-next-line no-control-regex
export const MARK = /\u0001(\d+)\u0002/g;
