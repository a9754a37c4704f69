import { expect } from "vitest";
import { InputError, UsageError } from "../../src/errors";
import type { ParamFile, ParamSpec, Row } from "../../src/params/types";
import { planRows } from "../../src/params/index";

export function spec(parts: Partial<ParamSpec> = {}): ParamSpec {
  return { items: [], params: [], ranges: [], zip: false, files: [], sets: [], ...parts };
}

export function rowsOf(parts: Partial<ParamSpec>): Row[] {
  return [...planRows(spec(parts)).rows()];
}

export function file(name: string, text: string): ParamFile {
  return { name, text };
}

/** Asserts that `run` throws the given jobx error whose message contains every fragment. */
export function expectError(run: () => unknown, type: typeof InputError | typeof UsageError, fragments: readonly string[]): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "expected an error").toBeInstanceOf(type);
  const error = thrown as InputError | UsageError;
  expect(error.exitCode).toBe(2);
  const text = [error.message, ...error.details].join("\n");
  for (const fragment of fragments) expect(text).toContain(fragment);
}
