import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { junitReport, junitTimestamp } from "../../src/report/junit";
import { cleanText, xmlAttr, xmlText, cdata } from "../../src/report/text";
import type { MemberSummary, Timeline } from "../../src/group/timeline-types";
import { fixtureTimeline, LOG_TAILS, runningTimeline, T0 } from "../fixtures/report/timeline";
import { HAS_PYTHON, HAS_XMLLINT, python, schemaProblems, scratchDir, skipNote } from "./tools";

const XSD = join(import.meta.dirname, "../fixtures/junit/junit.xsd");

interface ParsedCase {
  name: string;
  classname: string;
  time: string;
  kind: string | null;
  message: string | null;
  type: string | null;
  body: string | null;
}
interface Parsed {
  error?: string;
  suites?: { attrs: Record<string, string>; properties: Record<string, string>; cases: ParsedCase[] }[];
}

// Parses each file with a strict XML 1.0 parser and returns what a CI system would read.
const READ_JUNIT = `
import json, sys, xml.dom.minidom as m
def text(n): return "".join(c.data for c in n.childNodes if c.nodeType in (c.TEXT_NODE, c.CDATA_SECTION_NODE))
out = []
for path in sys.argv[1:]:
    try:
        doc = m.parse(path)
    except Exception as e:
        out.append({"error": str(e)}); continue
    suites = []
    for s in doc.documentElement.getElementsByTagName("testsuite"):
        cases = []
        for c in s.getElementsByTagName("testcase"):
            kids = [k for k in c.childNodes if k.nodeType == k.ELEMENT_NODE]
            k = kids[0] if kids else None
            cases.append({"name": c.getAttribute("name"), "classname": c.getAttribute("classname"), "time": c.getAttribute("time"),
                "kind": k.tagName if k else None, "message": k.getAttribute("message") if k else None,
                "type": k.getAttribute("type") if k else None, "body": text(k) if k else None})
        props = {p.getAttribute("name"): p.getAttribute("value") for p in s.getElementsByTagName("property")}
        suites.append({"attrs": dict(s.attributes.items()), "properties": props, "cases": cases})
    out.append({"suites": suites})
print(json.dumps(out))
`;

function readBack(texts: string[]): Parsed[] {
  const dir = scratchDir("junit-");
  const files = texts.map((t, i) => {
    const f = join(dir, `r${i}.xml`);
    writeFileSync(f, t);
    return f;
  });
  return python<Parsed[]>(READ_JUNIT, files);
}

describe("junitReport: the fixture group", () => {
  const xml = junitReport(fixtureTimeline(), { logTails: LOG_TAILS });

  it("counts members by what CI systems show", () => {
    expect(xml).toMatch(/<testsuite name="jobx group fruits" tests="7" failures="1" errors="2" skipped="1" time="178\.000" timestamp="2026-01-01T10:00:00" hostname="localhost"/);
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
  });

  it.each([
    ["apple succeeded", `<testcase classname="jobx.fruits" name="item=apple" time="52.000"/>`],
    ["cherry succeeded after a retry", `<testcase classname="jobx.fruits" name="item=cherry" time="148.000"/>`],
    ["banana failed", `<failure message="BackoffLimitExceeded: Job has reached the specified backoff limit" type="BackoffLimitExceeded">`],
    ["durian vanished: an error, timed to its last pod", `name="item=durian" time="97.000">\n      <error message="Job fruits-durian was deleted before it finished" type="Vanished">`],
    ["elder missing: an error", `<error message="Job fruits-elder was never found in the cluster" type="Missing">`],
    ["fig suspended: skipped", `<skipped message="no outcome yet: the Job was suspended when this report was written" type="suspended">`],
    ["markup in parameters is escaped", `name="item=&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;q&apos; ]]&gt; \ufffdbell,size=3"`],
  ])("%s", (_what, fragment) => {
    expect(xml).toContain(fragment);
  });

  it("puts the failed pods and the last log lines in the failure body", () => {
    const body = /<failure [^>]*>([\s\S]*?)<\/failure>/.exec(xml)?.[1] ?? "";
    expect(body.startsWith("<![CDATA[Job fruits-banana failed: BackoffLimitExceeded")).toBe(true);
    expect(body).toContain("pod fruits-banana-c1x9, attempt 3, failed, exit code 2, 1 restart in place");
    expect(body).toContain("--- last lines of the log of fruits-banana-c1x9 ---\nprocessing banana\nError: peel not found ]]]]><![CDATA[> <oops> & \ufffd\ufffddone\nexit 2\n]]>");
  });

  it("says so when no log was collected", () => {
    expect(junitReport(fixtureTimeline())).toContain("(no log collected)");
  });

  it("skips members still running, and says the group was running", () => {
    const running = junitReport(runningTimeline());
    expect(running).toContain(`<skipped message="no outcome yet: the Job was running when this report was written (the group was still running)" type="running">`);
    expect(running).toMatch(/tests="7" failures="1" errors="2" skipped="2"/);
  });

  it("keeps test names unique when two rows have the same parameters", () => {
    const t = fixtureTimeline();
    t.members.push({ ...(t.members[0] as MemberSummary), job: "fruits-apple-2", index: 7 });
    const out = junitReport(t);
    expect(out).toContain(`name="item=apple (fruits-apple)"`);
    expect(out).toContain(`name="item=apple (fruits-apple-2)"`);
  });

  it("writes the timestamp without zone or fraction, as the schema wants", () => {
    expect(junitTimestamp(T0 + 1234)).toBe("2026-01-01T10:00:01");
  });

  it("reads back with a strict XML parser", () => {
    if (!HAS_PYTHON) return skipNote("XML read-back", "python3 with xml.dom.minidom is not installed");
    const [doc] = readBack([xml]);
    expect(doc?.error).toBeUndefined();
    const suite = doc?.suites?.[0];
    expect(suite?.attrs).toMatchObject({ name: "jobx group fruits", tests: "7", failures: "1", errors: "2", skipped: "1" });
    expect(suite?.properties["jobx.verdict"]).toBe("suspended");
    expect(suite?.cases.map((c) => c.kind)).toEqual([null, "failure", null, "error", "error", "skipped", null]);
    expect(suite?.cases[1]?.body).toContain("Error: peel not found ]]> <oops> & \ufffd\ufffddone\nexit 2\n");
  });

  it("validates against the JUnit schema", () => {
    if (!HAS_XMLLINT) return skipNote("JUnit schema validation", "xmllint is not installed (Debian: apt-get install libxml2-utils)");
    const dir = scratchDir("junit-xsd-");
    const files = [junitReport(fixtureTimeline(), { logTails: LOG_TAILS }), junitReport(runningTimeline()), junitReport({ ...fixtureTimeline(), members: [], bars: [] })].map((t, i) => {
      const f = join(dir, `r${i}.xml`);
      writeFileSync(f, t);
      return f;
    });
    expect(schemaProblems(XSD, files)).toEqual([]);
  });
});

describe("XML escaping", () => {
  it.each([
    ["markup", `<a href="x">&'`, "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"],
    ["line breaks survive attribute normalisation", "a\tb\nc\rd", "a&#9;b&#10;c&#13;d"],
    ["controls XML forbids", "a\u0000b\u001fc\u0008", "a\ufffdb\ufffdc\ufffd"],
    ["ANSI colours dropped", "\u001b[1;31mred\u001b[0m", "red"],
    ["lone surrogates", "x\ud800y\udc00z", "x\ufffdy\ufffdz"],
    ["a surrogate pair is one character", "😀", "😀"],
    ["noncharacters", "\ufffe\uffff", "\ufffd\ufffd"],
  ])("attribute: %s", (_what, input, expected) => {
    expect(xmlAttr(input)).toBe(expected);
  });

  it("element text never contains ]]>", () => {
    expect(xmlText("a]]>b<c&")).toBe("a]]&gt;b&lt;c&amp;");
  });

  it("CDATA splits ]]>", () => {
    expect(cdata("x]]>y]]>")).toBe("<![CDATA[x]]]]><![CDATA[>y]]]]><![CDATA[>]]>");
  });
});

// Any UTF-16 code unit: lone surrogates, controls, noncharacters and markup included.
const anyUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom("<", ">", "&", '"', "'", "]]>", "]]", "\r\n", "\u001b[31m", "\u001b]0;t\u0007", "<![CDATA[", "</failure>", "😀", "\u0000"),
);
const anyText = fc.string({ unit: anyUnit, maxLength: 24 });

const memberArb = fc.record({
  params: fc.dictionary(fc.string({ unit: anyUnit, minLength: 1, maxLength: 6 }), fc.oneof(anyText, fc.integer(), fc.constant(null), fc.array(anyText, { maxLength: 2 })), { maxKeys: 3 }),
  outcome: fc.constantFrom<MemberSummary["outcome"]>("succeeded", "failed", "missing", "vanished", "running", "pending", "suspended"),
  reason: fc.option(anyText, { nil: undefined }),
  message: fc.option(anyText, { nil: undefined }),
  tail: fc.option(fc.string({ unit: anyUnit, maxLength: 60 }), { nil: undefined }),
});

type MemberSpec = typeof memberArb extends fc.Arbitrary<infer T> ? T : never;

function timelineOf(group: string, specs: MemberSpec[]): { timeline: Timeline; logTails: Record<string, string> } {
  const base = fixtureTimeline();
  const logTails: Record<string, string> = {};
  const members = specs.map((m, index): MemberSummary => {
    const job = `g-${index}`;
    if (m.tail !== undefined) logTails[job] = m.tail;
    return { job, index, params: m.params, outcome: m.outcome, reason: m.reason, message: m.message, attempts: 1, pods: 1, startTime: T0, finishTime: T0 + 1000 * index };
  });
  const bars = members.map((m) => ({ pod: `${m.job}-p`, job: m.job, index: m.index, params: m.params, attempt: 0, created: T0, started: T0 + 5, finished: T0 + 900, outcome: "failed" as const, exitCode: 1, restarts: 0 }));
  return { timeline: { ...base, group, members, bars, running: false }, logTails };
}

describe("junitReport: any parameters, reasons, messages and logs", () => {
  it("always reads back as XML carrying exactly the cleaned text", () => {
    if (!HAS_PYTHON) return skipNote("JUnit property read-back", "python3 with xml.dom.minidom is not installed");
    const samples = fc.sample(fc.tuple(fc.string({ unit: anyUnit, maxLength: 12 }), fc.array(memberArb, { minLength: 1, maxLength: 4 })), { numRuns: 150, seed: 20260101 });
    const cases = samples.map(([group, specs]) => timelineOf(group, specs));
    const texts = cases.map(({ timeline, logTails }) => junitReport(timeline, { logTails }));
    const parsed = readBack(texts);
    parsed.forEach((doc, i) => {
      const { timeline, logTails } = cases[i] ?? { timeline: undefined, logTails: {} };
      expect(doc.error, texts[i]).toBeUndefined();
      const suite = doc.suites?.[0];
      expect(suite?.attrs.name).toBe(cleanText(`jobx group ${timeline?.group}`));
      timeline?.members.forEach((m, j) => {
        const c = suite?.cases[j];
        expect(c?.classname).toBe(cleanText(`jobx.${timeline.group}`));
        if (m.outcome === "failed") {
          expect(c?.kind).toBe("failure");
          const said = [m.reason, m.message].filter(Boolean).join(": ");
          expect(c?.message).toBe(cleanText(said || "failed"));
          expect(c?.type).toBe(cleanText(m.reason || "Failed"));
          const tail = logTails[m.job];
          // An XML parser turns a lone CR into LF; the report already does for the tail.
          if (tail !== undefined) expect(c?.body).toContain(cleanText(tail.replace(/\r\n?/g, "\n").replace(/\n$/, "")));
        }
      });
    });
  });

  it("always validates against the JUnit schema", () => {
    if (!HAS_XMLLINT) return skipNote("JUnit property schema validation", "xmllint is not installed (Debian: apt-get install libxml2-utils)");
    // The schema requires a non-empty suite name and token-typed names; any text is allowed inside.
    const samples = fc.sample(fc.tuple(fc.string({ unit: anyUnit, maxLength: 12 }), fc.array(memberArb, { maxLength: 4 })), { numRuns: 60, seed: 7 });
    const dir = scratchDir("junit-prop-xsd-");
    const files = samples.map(([group, specs], i) => {
      const { timeline, logTails } = timelineOf(group, specs);
      const f = join(dir, `r${i}.xml`);
      writeFileSync(f, junitReport(timeline, { logTails }));
      return f;
    });
    expect(schemaProblems(XSD, files)).toEqual([]);
  });
});
