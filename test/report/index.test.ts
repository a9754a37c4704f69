import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors";
import { parseReportSpecs, writeReports } from "../../src/report/index";
import { fixtureTimeline, LOG_TAILS } from "../fixtures/report/timeline";

describe("parseReportSpecs", () => {
  it("reads KIND=FILE, keeping = in file names", () => {
    expect(parseReportSpecs(["junit=out/results.xml", "JSON=a=b.json", "html=group report.html"])).toEqual([
      { kind: "junit", file: "out/results.xml" },
      { kind: "json", file: "a=b.json" },
      { kind: "html", file: "group report.html" },
    ]);
  });

  it.each([
    ["results.xml", /expected KIND=FILE with KIND one of junit, json, html, e\.g\. --report junit=results\.xml/],
    ["xml=results.xml", /unknown report kind "xml"; use one of junit, json, html/],
    ["junit=", /the file name is missing; write junit=FILE, e\.g\. --report junit=results\.xml/],
    ["html= ", /the file name is missing; write html=FILE/],
  ])("refuses %j and says the fix", (spec, message) => {
    expect(() => parseReportSpecs([spec])).toThrow(UsageError);
    expect(() => parseReportSpecs([spec])).toThrow(message);
  });

  it("refuses two reports into one file", () => {
    expect(() => parseReportSpecs(["junit=r.out", "json=r.out"])).toThrow(/"r\.out" is already the file of --report "junit=r\.out"; give each report its own file/);
  });

  it("accepts no specs", () => {
    expect(parseReportSpecs([])).toEqual([]);
  });
});

describe("writeReports", () => {
  it("writes each report through the given writer, in the order asked", () => {
    const written: [string, string][] = [];
    writeReports(["html=g.html", "junit=r.xml", "json=g.json"], fixtureTimeline(), LOG_TAILS, (path, text) => written.push([path, text]));
    expect(written.map(([p]) => p)).toEqual(["g.html", "r.xml", "g.json"]);
    expect(written[0]?.[1]).toMatch(/^<!DOCTYPE html>/);
    expect(written[1]?.[1]).toContain("peel not found");
    expect(JSON.parse(written[2]?.[1] ?? "")).toMatchObject({ group: "fruits", verdict: "suspended" });
    expect(written[2]?.[1].endsWith("}\n")).toBe(true);
  });

  it("writes nothing when any spec is bad", () => {
    const written: string[] = [];
    expect(() => writeReports(["json=g.json", "pdf=g.pdf"], fixtureTimeline(), {}, (path) => written.push(path))).toThrow(UsageError);
    expect(written).toEqual([]);
  });
});

describe("src/report stays pure", () => {
  // The lint boundary rule lists the other pure folders; this keeps the reports to the same rule.
  const dir = join(import.meta.dirname, "../../src/report");
  it.each(readdirSync(dir).filter((f) => f.endsWith(".ts")))("%s imports no I/O and does not touch process", (file) => {
    const text = readFileSync(join(dir, file), "utf8");
    expect(text).not.toMatch(/from\s+["'](node:)?(fs|fs\/promises|child_process|process)["']|from\s+["'](execa|chalk)["']/);
    expect(text).not.toMatch(/\bprocess\./);
  });
});
