import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadAll } from "js-yaml";
import { compileTemplate } from "../../src/render/template";
import { documentsFromSkeleton } from "../../src/manifest/skeleton";
import { isRiskyOutput } from "../../src/manifest/guard";
import { unmark } from "../../src/manifest/placeholders";

const TEMPLATE = compileTemplate({
  name: "s.yaml.njk",
  text: [
    "a: x-{{ v }}",
    "b: {{ v | tojson }}",
    "c: {{ v | quote }}",
    "d: [{{ v | tojson }}, y, {{ n }}]",
    "e:",
    "  - {{ v }}",
    "  - {{ n }}",
    "{{ k }}: {{ n }}",
    "f: |",
    "  text {{ v }} more",
    "g: {{ {'m': v} | tojson }}",
  ].join("\n"),
});

/** Both ways of reading a rendering: built from the cached skeleton, and parsed in full. */
function bothWays(context: Record<string, unknown>): { fast: unknown[] | undefined; full: unknown[] | undefined; plain: boolean } {
  const rendering = TEMPLATE.renderMarked(context, "row");
  const text = unmark(rendering);
  const plain = rendering.values.every((v, n) => rendering.safe[n] || !isRiskyOutput(v));
  // Rows with a risky value take the full parse and the guard instead; nothing to compare.
  if (!plain) return { fast: undefined, full: undefined, plain };
  return { fast: documentsFromSkeleton(rendering, text), full: loadAll(text), plain };
}

describe("documents built from a template's skeleton", () => {
  it("equal a full parse for plain values, typed as YAML reads them", () => {
    for (const [v, n, k] of [
      ["apple", "5", "key"],
      ["banana", "true", "other"],
      ["a b c", "1.5", "k2"],
      ["héllo wörld", "null", "k3"],
      ["x&y<z>", "42", "k4"],
    ]) {
      const { fast, full, plain } = bothWays({ v, n, k });
      expect(plain).toBe(true);
      expect(fast).toEqual(full);
    }
  });

  it("equal a full parse for any plain value (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 20 }).filter((s) => !/[\ud800-\udfff]/.test(s)),
        fc.oneof(fc.integer().map(String), fc.constantFrom("true", "false", "null", "x", "1e3", "0x1f")),
        fc.stringMatching(/^k[a-z0-9]{0,8}$/),
        (v, n, k) => {
          const { fast, full, plain } = bothWays({ v, n, k });
          if (plain) expect(fast).toEqual(full);
        },
      ),
      { numRuns: 500 },
    );
  });
});
