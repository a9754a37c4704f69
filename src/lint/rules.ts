/**
 * The known Job pitfalls, from the Kubernetes Job docs and the texts jobx grew from, as
 * pure rules on checked Jobs. Each finding names the field, why in one line, and the fix;
 * the linter (index.ts) names the Jobs it applies to.
 */
import type { JobObject } from "../manifest/job";

export interface LintOptions {
  /** A Job's parallelism above this, or a whole group's pods at once above it, is a thundering herd. */
  maxParallelism: number;
  /** Groups of at least this many Jobs are large: a retried failure or an image pull is multiplied by it. */
  largeGroup: number;
  /** The highest backoffLimit a large group's Jobs may have without a warning. */
  maxBackoffLimit: number;
  /** The group runs packed (--pack): its rows become one Indexed Job, throttled by --parallelism. */
  packed?: boolean;
}

export const LINT_DEFAULTS: LintOptions = { maxParallelism: 50, largeGroup: 20, maxBackoffLimit: 3 };

export interface Finding {
  rule: string;
  field: string;
  why: string;
  fix: string;
}

/** A rule on one Job. */
export interface JobRule {
  id: string;
  /** One line for the README's list. */
  summary: string;
  /** Applies only to groups of at least `largeGroup` Jobs. */
  largeGroupOnly?: true;
  check(job: JobObject, options: LintOptions): Finding[];
}

interface Container {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

function containers(job: JobObject): Container[] {
  return (job.spec.template.spec.containers as Container[]).filter((c) => c !== null && typeof c === "object");
}

function containerField(job: JobObject, i: number, field: string): string {
  const c = containers(job)[i];
  return `spec.template.spec.containers[${c?.name ? `name=${c.name}` : i}].${field}`;
}

/** An image that floats: `:latest` or no tag, and no digest. */
export function isFloatingImage(image: string): boolean {
  if (image.includes("@")) return false;
  const last = image.slice(image.lastIndexOf("/") + 1);
  const colon = last.lastIndexOf(":");
  return colon < 0 || last.slice(colon + 1) === "latest";
}

const isSet = (v: unknown) => v !== undefined && v !== null;

export const JOB_RULES: JobRule[] = [
  {
    id: "no-deadline",
    summary: "no `activeDeadlineSeconds`: one hung pod holds the Job short of its completions forever",
    check: (job) =>
      isSet(job.spec.activeDeadlineSeconds)
        ? []
        : [{ rule: "no-deadline", field: "spec.activeDeadlineSeconds", why: "is not set, so one hung pod holds the Job short of its completions forever", fix: "set it to the longest the Job may run (e.g. activeDeadlineSeconds: 3600)" }],
  },
  {
    id: "no-ttl",
    summary: "no `ttlSecondsAfterFinished`: finished Jobs and their pods pile up in the namespace",
    check: (job) =>
      isSet(job.spec.ttlSecondsAfterFinished)
        ? []
        : [{ rule: "no-ttl", field: "spec.ttlSecondsAfterFinished", why: "is not set, so finished Jobs and their pods pile up in the namespace", fix: "set it (e.g. ttlSecondsAfterFinished: 86400), or delete the group when done (jobx delete, --cleanup)" }],
  },
  {
    id: "parallelism-without-completions",
    summary: "`parallelism` above 1 with `completions` unset: the Job is complete as soon as one pod succeeds",
    check: (job) =>
      typeof job.spec.parallelism === "number" && job.spec.parallelism > 1 && !isSet(job.spec.completions)
        ? [{
            rule: "parallelism-without-completions",
            field: "spec.completions",
            why: `is not set while parallelism is ${job.spec.parallelism}, so the Job is complete as soon as any one pod succeeds (work-queue semantics), rarely what a batch means`,
            fix: "set completions to the number of pods that must succeed (with completionMode: Indexed each gets its index), or drop parallelism",
          }]
        : [],
  },
  {
    id: "restart-on-failure",
    summary: "`restartPolicy: OnFailure`: restarts in place are not counted against `backoffLimit` as expected, and failed attempts' logs are lost",
    check: (job) =>
      job.spec.template.spec.restartPolicy === "OnFailure"
        ? [{
            rule: "restart-on-failure",
            field: "spec.template.spec.restartPolicy",
            why: "is OnFailure: containers restart in place, which backoffLimit does not count as users expect, and the logs of failed attempts are lost",
            fix: "use restartPolicy: Never with a low spec.backoffLimit (e.g. 2)",
          }]
        : [],
  },
  {
    id: "backoff-limit",
    summary: "a high or default (6) `backoffLimit` on a large group (`--large-group`, `--max-backoff-limit`): every bad input is retried that often",
    largeGroupOnly: true,
    check: (job, options) => {
      const limit = typeof job.spec.backoffLimit === "number" ? job.spec.backoffLimit : undefined;
      if (limit !== undefined && limit <= options.maxBackoffLimit) return [];
      return [{
        rule: "backoff-limit",
        field: "spec.backoffLimit",
        why: `is ${limit === undefined ? "not set (6 by default)" : limit}: in a large group a bad image or input is retried ${limit ?? 6} times by every Job`,
        fix: `set backoffLimit to at most ${options.maxBackoffLimit} (e.g. backoffLimit: 2)`,
      }];
    },
  },
  {
    id: "high-parallelism",
    summary: "`parallelism` above `--max-parallelism`: that many pods start at once and hit shared services together",
    check: (job, options) =>
      typeof job.spec.parallelism === "number" && job.spec.parallelism > options.maxParallelism
        ? [{
            rule: "high-parallelism",
            field: "spec.parallelism",
            why: `is ${job.spec.parallelism}: that many pods start at once and hit shared services together (the thundering herd)`,
            fix: `start lower (at most ${options.maxParallelism}) and raise it while watching what the pods depend on`,
          }]
        : [],
  },
  {
    id: "floating-image",
    summary: "a `:latest` or untagged image pulled `Always` on a large group: every pod pulls again, and a moved tag runs different code",
    largeGroupOnly: true,
    check: (job) => {
      return containers(job).flatMap((c, i) => {
        if (typeof c.image !== "string" || !isFloatingImage(c.image)) return [];
        if (c.imagePullPolicy !== undefined && c.imagePullPolicy !== "Always") return [];
        return [{
          rule: "floating-image",
          field: containerField(job, i, "image"),
          why: `is ${c.image} with imagePullPolicy ${c.imagePullPolicy ?? "Always (the default for it)"}: every pod of a large group pulls it again, and a moved tag runs different code in different pods`,
          fix: "pin a tag or a digest (e.g. busybox:1.36), or set imagePullPolicy: IfNotPresent",
        }];
      });
    },
  },
  {
    id: "no-requests",
    summary: "a container without CPU and memory requests: the scheduler places its pods blind",
    check: (job) =>
      containers(job).flatMap((c, i) => {
        const requests = c.resources?.requests ?? {};
        const missing = ["cpu", "memory"].filter((r) => !isSet(requests[r]));
        if (missing.length === 0) return [];
        return [{
          rule: "no-requests",
          field: containerField(job, i, `resources.requests.${missing.length === 2 ? "{cpu,memory}" : missing[0]}`),
          why: "is not set, so the scheduler places the pods without knowing their size: many can pack one node and be throttled, evicted or OOM-killed",
          fix: `set resources.requests.${missing.join(" and resources.requests.")} (e.g. cpu: 100m, memory: 64Mi)`,
        }];
      }),
  },
  {
    id: "no-memory-limit",
    summary: "a container without a memory limit: one pod's leak can take its node's memory",
    check: (job) =>
      containers(job).flatMap((c, i) =>
        isSet(c.resources?.limits?.memory)
          ? []
          : [{ rule: "no-memory-limit", field: containerField(job, i, "resources.limits.memory"), why: "is not set, so one pod's leak can take its node's memory", fix: "set it, e.g. equal to the memory request" }],
      ),
  },
];

/** The most pods a Job runs at once: its parallelism (1 by default), at most its completions. */
export function podsAtOnce(job: JobObject): number {
  const parallelism = typeof job.spec.parallelism === "number" ? job.spec.parallelism : 1;
  const completions = typeof job.spec.completions === "number" ? job.spec.completions : Infinity;
  return Math.max(0, Math.min(parallelism, completions));
}

/** The group rule: separate Jobs have nothing that throttles them, so their pods start together. */
export const HERD_RULE = {
  id: "herd",
  summary: "a group whose Jobs together run more than `--max-parallelism` pods at once: nothing throttles separate Jobs",
  /** `maxPods`: the most one Job runs; above the limit, high-parallelism names that Job instead. */
  check(jobs: number, pods: number, maxPods: number, options: LintOptions): Finding | undefined {
    // A packed group is the rule's own fix: one Indexed Job, throttled by --parallelism.
    if (options.packed || jobs < 2 || pods <= options.maxParallelism || maxPods > options.maxParallelism) return undefined;
    return {
      rule: "herd",
      field: "spec.parallelism (summed over the group)",
      why: `adds up to ${pods} pods at once: separate Jobs start together with nothing to throttle them (the thundering herd)`,
      fix: `run one Indexed Job (completionMode: Indexed, completions: ${jobs}, parallelism: at most ${options.maxParallelism}) that works on index JOB_COMPLETION_INDEX, or apply the rows in smaller groups`,
    };
  },
};
