import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { InputError } from "../../src/errors";
import { planRows } from "../../src/params/index";
import { expectTerminalSafe } from "../text/helpers";
import { expand, inputErrorOf, jobTemplate } from "./helpers";

// Escape sequences people (or a parameter file) can put in a value: a colour, clearing the
// screen, retitling the window with OSC … BEL, the 8-bit CSI, a bidi override.
const SEQUENCES = ["\u001b[31mred\u001b[0m", "\u001b[2J\u001b[H", "\u001b]0;owned\u0007", "\u009b31m", "abc\u202edef", "a\u0008\u0008b", "x\u007fy"];

/** The message and the warnings of one expansion. */
function messagesOf(text: string, row: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  try {
    expand(text, [row], "g", warnings);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return [...warnings, err.message, ...err.details];
  }
  return warnings;
}

describe("a value reaches people's terminals escaped", () => {
  it.each(SEQUENCES)("in the warning about a derived name and its row label: %j", (item) => {
    const warnings: string[] = [];
    expand(jobTemplate({ name: "{{ item | tojson }}" }), [{ item }], "g", warnings);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^row 0 \(item=.*\): ".*" is not a DNS-1123 label .*; named it /);
    expectTerminalSafe(warnings.join("\n"));
  });

  it.each(SEQUENCES)("in an error's row label, its message and the rendered lines it shows: %j", (v) => {
    // The value breaks the YAML where it stands unquoted.
    const text = jobTemplate({ container: "        args:\n        - {{ v }}" });
    const message = inputErrorOf(() => expand(text, [{ item: "a", v: `${v}\n  bad: [` }]));
    expect(message).toContain("row 0 (item=a, v=");
    expectTerminalSafe(message);
  });

  it.each(SEQUENCES)("in a render error that quotes a value: %j", (v) => {
    // The engine's message names the missing key, which is the value itself.
    const message = inputErrorOf(() => expand("{{ {}[v] }}", [{ v }]));
    expect(message).toContain("has no attribute");
    expectTerminalSafe(message);
  });

  it("in a schema problem's field path", () => {
    const text = jobTemplate().replace("metadata:\n", 'metadata:\n  labels: {{ {"jobx.dev/\u001b[1mx": "y"} | tojson }}\n');
    const message = inputErrorOf(() => expand(text, [{ item: "a" }]));
    expect(message).toContain("keys under jobx.dev/ are set by jobx");
    expectTerminalSafe(message);
  });

  it("in whatever an expansion says about any value (property)", () => {
    const texts = [
      jobTemplate({ name: "{{ item | tojson }}" }),
      jobTemplate({ container: "        args:\n        - {{ v }}" }),
      jobTemplate({ container: "        env:\n        - name: V\n          value: {{ v }}" }),
      "{% include v %}",
    ];
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.string({ unit: "binary", maxLength: 12 }), fc.constantFrom(...SEQUENCES), (text, v, sequence) => {
        for (const message of messagesOf(text, { item: `${v}${sequence}`, v: `${sequence}${v}` })) expectTerminalSafe(message);
      }),
      { numRuns: 300 },
    );
  });
});

describe("a parameter key reaches people's terminals escaped", () => {
  it("when two sources give it", () => {
    const key = "k\u001b[31m";
    let message = "";
    try {
      planRows({ items: [], params: [`${key}=a`], ranges: [], zip: false, files: [{ name: "rows.csv", text: `${key}\nx\n` }], sets: [] });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("comes from both rows.csv and --param");
    expectTerminalSafe(message);
  });
});
