import { expect } from "vitest";

/**
 * What a terminal acts on or what hides or reorders text — C0 and C1 controls, DEL, soft
 * hyphen, bidi controls, zero-width and other format characters, separators, the BOM, lone
 * surrogates — written out here rather than taken from the module under test.
 */
// eslint-disable-next-line no-control-regex
export const RAW = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every line of a message (lines are split on \n, which a message may hold between lines) is free of raw control characters. */
export function expectTerminalSafe(message: string): void {
  for (const line of message.split("\n")) expect(line, JSON.stringify(line)).not.toMatch(RAW);
}
