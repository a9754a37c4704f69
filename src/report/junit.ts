/**
 * The group as a JUnit XML report, the format GitHub Actions (test-reporter actions),
 * GitLab (`artifacts:reports:junit`) and Jenkins (`junit` step) display. One testsuite
 * for the group, one testcase per member.
 *
 * The shape follows the common Apache Ant schema (as Jenkins reads it): testsuite
 * carries name, tests, failures, errors, skipped, time, a timestamp without time zone
 * (UTC here) and hostname; properties, system-out and system-err are present (Ant's
 * schema requires them). Members without an outcome are reported as:
 * - `<error>` when the Job is missing or vanished (something went wrong outside the Job),
 * - `<skipped>` when it was still pending, running or suspended when the report was taken.
 */
import type { MemberSummary, PodBar, Timeline } from "../group/timeline-types";
import { formatDuration } from "../group/duration";
import { cdata, groupState, memberDurationMs, memberName, sortedMembers, xmlAttr } from "./text";

export interface JunitOptions {
  /** The last lines of a failed member's log, by Job name. */
  logTails?: Record<string, string>;
}

type Verdict = { kind: "passed" } | { kind: "failure" | "error" | "skipped"; message: string; type: string; body: string };

const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);

/** `2026-01-01T10:00:00`: the schema's timestamp allows no zone and no fraction. */
export function junitTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** One line per pod of the member, for the failure body. */
function podLines(bars: PodBar[]): string[] {
  return bars.map((b) => {
    const parts = [`pod ${b.pod}`, `attempt ${b.attempt + 1}`, b.outcome];
    if (b.exitCode !== undefined) parts.push(`exit code ${b.exitCode}`);
    if (b.restarts > 0) parts.push(`${b.restarts} restart${b.restarts === 1 ? "" : "s"} in place`);
    return parts.join(", ");
  });
}

function verdictOf(member: MemberSummary, bars: PodBar[], running: boolean, logTails: Record<string, string>): Verdict {
  const said = [member.reason, member.message].filter((s): s is string => !!s).join(": ");
  switch (member.outcome) {
    case "succeeded":
      return { kind: "passed" };
    case "failed": {
      // The log tail comes from the member's last pod (see src/lifecycle/reports.ts).
      const failedPod = bars.at(-1);
      const tail = logTails[member.job];
      const lines = [`Job ${member.job} failed${said ? `: ${said}` : ""}`, ...podLines(bars)];
      if (tail !== undefined) lines.push("", `--- last lines of the log${failedPod ? ` of ${failedPod.pod}` : ""} ---`, tail.replace(/\r\n?/g, "\n").replace(/\n$/, ""));
      else lines.push("", "(no log collected)");
      return { kind: "failure", message: said || "failed", type: member.reason || "Failed", body: lines.join("\n") + "\n" };
    }
    case "missing":
      return { kind: "error", message: `Job ${member.job} was never found in the cluster${said ? `: ${said}` : ""}`, type: "Missing", body: "The group record lists this member, but its Job was not seen: it was not created, or was deleted before it was watched.\n" };
    case "vanished":
      return { kind: "error", message: `Job ${member.job} was deleted before it finished${said ? `: ${said}` : ""}`, type: "Vanished", body: podLines(bars).join("\n") + "\n" };
    case "pending":
    case "running":
    case "suspended":
      return {
        kind: "skipped",
        message: `no outcome yet: the Job was ${member.outcome} when this report was written${running ? " (the group was still running)" : ""}`,
        type: member.outcome,
        body: "",
      };
  }
}

/** A test name per member, unique within the suite (CI systems merge equal names). */
function testNames(members: MemberSummary[]): string[] {
  const names = members.map((m) => memberName(m).replace(/\s+/g, " ").trim() || m.job);
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  return names.map((n, i) => ((count.get(n) ?? 0) > 1 ? `${n} (${members[i]?.job})` : n));
}

export function junitReport(timeline: Timeline, options: JunitOptions = {}): string {
  const logTails = options.logTails ?? {};
  const members = sortedMembers(timeline.members);
  const names = testNames(members);
  const classname = `jobx.${timeline.group}`;
  const cases: string[] = [];
  const totals = { failure: 0, error: 0, skipped: 0 };
  members.forEach((member, i) => {
    const bars = timeline.bars.filter((b) => b.job === member.job).sort((a, b) => a.attempt - b.attempt || a.created - b.created);
    const verdict = verdictOf(member, bars, timeline.running, logTails);
    const open = `    <testcase classname="${xmlAttr(classname)}" name="${xmlAttr(names[i] ?? member.job)}" time="${seconds(memberDurationMs(member, timeline))}"`;
    if (verdict.kind === "passed") {
      cases.push(`${open}/>`);
      return;
    }
    totals[verdict.kind] += 1;
    const body = verdict.body ? `${cdata(verdict.body)}` : "";
    cases.push(`${open}>`, `      <${verdict.kind} message="${xmlAttr(verdict.message)}" type="${xmlAttr(verdict.type)}">${body}</${verdict.kind}>`, "    </testcase>");
  });
  const f = timeline.figures;
  const properties: [string, string][] = [
    ["jobx.group", timeline.group],
    ["jobx.verdict", groupState(timeline)],
    ["jobx.makespan", formatDuration(f.makespanMs)],
    ["jobx.pods", String(f.pods)],
    ["jobx.failedPods", String(f.failedPods)],
    ["jobx.retries", String(f.retries)],
  ];
  const suiteAttrs = [
    `name="${xmlAttr(`jobx group ${timeline.group}`)}"`,
    `tests="${members.length}"`,
    `failures="${totals.failure}"`,
    `errors="${totals.error}"`,
    `skipped="${totals.skipped}"`,
    `time="${seconds(f.makespanMs)}"`,
    `timestamp="${junitTimestamp(timeline.from)}"`,
    `hostname="localhost"`,
    `id="0"`,
    `package="${xmlAttr(classname)}"`,
  ].join(" ");
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${xmlAttr(`jobx ${timeline.group}`)}" tests="${members.length}" failures="${totals.failure}" errors="${totals.error}" time="${seconds(f.makespanMs)}">`,
    `  <testsuite ${suiteAttrs}>`,
    `    <properties>`,
    ...properties.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`),
    `    </properties>`,
    ...cases,
    `    <system-out/>`,
    `    <system-err/>`,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
