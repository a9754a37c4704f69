/** Hand-built Jobs and pods for the timeline tests: times in seconds from T0. */
import type { JobLike } from "../../src/group/member";
import type { PodLike, TimelineInput } from "../../src/group/timeline-model";

export const T0 = Date.parse("2026-01-01T00:00:00Z");
export const at = (s: number): string => new Date(T0 + s * 1000).toISOString().replace(".000Z", "Z");

export interface PodSpec {
  job: string;
  name?: string;
  created: number;
  started?: number;
  finished?: number;
  exitCode?: number;
  deleted?: number;
  restarts?: number;
  /** OnFailure: the previous run, kept in lastState. */
  last?: { started: number; finished: number; exitCode: number };
  completionIndex?: number;
}

let serial = 0;
export function pod(p: PodSpec): PodLike {
  const running = p.started !== undefined && p.finished === undefined;
  const state =
    p.finished !== undefined
      ? { terminated: { exitCode: p.exitCode ?? 0, startedAt: p.started === undefined ? null : at(p.started), finishedAt: at(p.finished) } }
      : running
        ? { running: { startedAt: at(p.started ?? 0) } }
        : { waiting: { reason: "ContainerCreating" } };
  const phase = p.finished !== undefined ? ((p.exitCode ?? 0) === 0 ? "Succeeded" : "Failed") : running ? "Running" : "Pending";
  const labels: Record<string, string> = { "batch.kubernetes.io/job-name": p.job, "job-name": p.job };
  const annotations: Record<string, string> = {};
  if (p.completionIndex !== undefined) annotations["batch.kubernetes.io/job-completion-index"] = String(p.completionIndex);
  return {
    metadata: { name: p.name ?? `${p.job}-${(serial++).toString(36).padStart(5, "x")}`, creationTimestamp: at(p.created), ...(p.deleted !== undefined ? { deletionTimestamp: at(p.deleted) } : {}), labels, annotations },
    status: {
      phase,
      containerStatuses: [
        {
          name: "c",
          restartCount: p.restarts ?? 0,
          state,
          lastState: p.last ? { terminated: { exitCode: p.last.exitCode, startedAt: at(p.last.started), finishedAt: at(p.last.finished) } } : {},
        },
      ],
    },
  };
}

export function job(name: string, spec: JobLike["spec"] = {}, status: JobLike["status"] = {}): JobLike {
  return { metadata: { name }, spec, status };
}

export const done = (s: number) => ({ conditions: [{ type: "Complete", status: "True", lastTransitionTime: at(s) }], completionTime: at(s) });
export const failedAt = (s: number, reason = "BackoffLimitExceeded") => ({ conditions: [{ type: "Failed", status: "True", reason, lastTransitionTime: at(s) }] });

/** The Kubernetes docs' example: 20 completions, parallelism 4, here 1 s cold start and 3 s of work. */
export function wavesInput(): TimelineInput {
  const pods: PodLike[] = [];
  for (let k = 0; k < 20; k++) {
    const w = Math.floor(k / 4);
    pods.push(pod({ job: "pi", name: `pi-${String(k).padStart(2, "0")}`, created: 4 * w, started: 4 * w + 1, finished: 4 * w + 4 }));
  }
  return {
    group: "pi",
    record: { members: [{ name: "pi", index: 0, params: { item: "pi" } }] },
    jobs: [job("pi", { completions: 20, parallelism: 4 }, { succeeded: 20, startTime: at(0), ...done(20) })],
    pods,
    now: T0 + 60_000,
  };
}

/** Five items, one retried after a failure, one failed for good, one still running, one pending, one never created. */
export function mixedInput(): TimelineInput {
  const names = ["apple", "banana", "cherry", "damson", "elder", "fig"];
  return {
    group: "fruit",
    record: { members: names.map((n, index) => ({ name: `fruit-${n}`, index, params: { item: n } })) },
    jobs: [
      job("fruit-apple", { completions: 1, parallelism: 1 }, { succeeded: 1, startTime: at(0), ...done(6) }),
      job("fruit-banana", { completions: 1, parallelism: 1 }, { succeeded: 1, failed: 1, startTime: at(0), ...done(12) }),
      job("fruit-cherry", { completions: 1, parallelism: 1 }, { failed: 2, startTime: at(1), ...failedAt(11) }),
      job("fruit-damson", { completions: 1, parallelism: 1 }, { active: 1, startTime: at(2) }),
      job("fruit-elder", { completions: 1, parallelism: 1 }, { active: 1, startTime: at(13) }),
    ],
    pods: [
      pod({ job: "fruit-apple", name: "fruit-apple-1", created: 0, started: 2, finished: 6 }),
      pod({ job: "fruit-banana", name: "fruit-banana-1", created: 0, started: 1, finished: 4, exitCode: 1 }),
      pod({ job: "fruit-banana", name: "fruit-banana-2", created: 5, started: 7, finished: 12 }),
      pod({ job: "fruit-cherry", name: "fruit-cherry-1", created: 1, started: 2, finished: 5, exitCode: 2 }),
      pod({ job: "fruit-cherry", name: "fruit-cherry-2", created: 6, started: 7, finished: 11, exitCode: 137 }),
      pod({ job: "fruit-damson", name: "fruit-damson-1", created: 2, started: 4 }),
      pod({ job: "fruit-elder", name: "fruit-elder-1", created: 13 }),
    ],
    now: T0 + 16_000,
  };
}
