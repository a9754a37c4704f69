/**
 * The engine's own errors, with the place in the template; src/render/template.ts turns
 * them into InputErrors naming the file, the line, the column and the row.
 */

/** A template that cannot be read: what is wrong, at line and column. */
export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    public line?: number,
    public column?: number,
  ) {
    super(message);
  }
}

/** What went wrong while rendering: an undefined value used, a Python error, a construct jobx refuses. */
export type RenderErrorKind = "undefined" | "runtime" | "refused";

export class TemplateRenderError extends Error {
  constructor(
    message: string,
    public kind: RenderErrorKind = "runtime",
    public line?: number,
    public column?: number,
    /** For kind "undefined": the name that was not defined, when it is a plain name. */
    public undefinedName?: string,
  ) {
    super(message);
  }
}

/** A construct jobx does not render, with what to write instead. */
export function refused(message: string): TemplateRenderError {
  return new TemplateRenderError(message, "refused");
}

/** A Python error (TypeError, ValueError, …) as Jinja2 would raise it. */
export function pyError(type: string, message: string): TemplateRenderError {
  return new TemplateRenderError(`${type}: ${message}`, "runtime");
}
