import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildTimeline } from "../../src/group/timeline-model";
import { htmlReport } from "../../src/report/html";
import { jsonReport } from "../../src/report/json";
import { junitReport } from "../../src/report/junit";
import { mixedInput, wavesInput } from "../group/timeline-fixtures";
import { HAS_XMLLINT, schemaProblems, scratchDir, skipNote } from "./tools";

// The reports over timelines the model builds from Jobs and pods, not only hand-built ones.
describe.each([
  ["mixed outcomes", mixedInput],
  ["waves under a parallelism limit", wavesInput],
])("reports of a built timeline: %s", (_name, input) => {
  const timeline = buildTimeline(input());

  it("agree with the timeline on members and pods", () => {
    const json = jsonReport(timeline);
    expect(json.members).toHaveLength(timeline.members.length);
    expect(json.members.reduce((n, m) => n + m.pods.length, 0)).toBe(timeline.bars.length);
    expect([...htmlReport(timeline).matchAll(/<rect class="bar"/g)]).toHaveLength(timeline.bars.length);
    expect([...junitReport(timeline).matchAll(/<testcase /g)]).toHaveLength(timeline.members.length);
  });

  it("write JUnit that validates", () => {
    if (!HAS_XMLLINT) return skipNote("JUnit schema validation of a built timeline", "xmllint is not installed (Debian: apt-get install libxml2-utils)");
    const file = join(scratchDir("built-"), "r.xml");
    writeFileSync(file, junitReport(timeline, { logTails: Object.fromEntries(timeline.members.map((m) => [m.job, "last line\n"])) }));
    expect(schemaProblems(join(import.meta.dirname, "../fixtures/junit/junit.xsd"), [file])).toEqual([]);
  });
});
