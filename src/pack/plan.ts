/**
 * Packing a group: the rows' Jobs, as `jobx expand` makes them, become one Indexed Job
 * (or as few as the API's limits require) whose pod runs one row per completion index
 * (or K rows, with --per-pod K). What may differ between rows is what a pod can be given
 * at run time: the strings of a container's command, args and env values. Anything else
 * that differs (image, resources, volumes, restartPolicy, …) cannot be one pod template:
 * it is refused with the field, two rows that differ in it, and the fix.
 *
 * Pure: Jobs in, the packed Jobs, the rows ConfigMaps and where each item runs out.
 */
import { InputError } from "../errors";
import type { JobObject } from "../manifest/job";
import { ANNOTATION, JOBX_PREFIX, LABEL, MANAGED_BY } from "../manifest/labels";
import { showText } from "../text/show";
import { resolverScript, rowFile, rowKey, ROWS_DIR } from "./resolver";

/** The API server's limit on an Indexed Job's completions (and on maxFailedIndexes): pkg/apis/batch/validation. */
export const MAX_INDEXED_COMPLETIONS = 100_000;
/** The most a rows ConfigMap holds (a ConfigMap is at most 1 MiB, with room for its metadata). */
export const ROWS_CONFIGMAP_BYTES = 900 * 1024;
/** Pods at once when --parallelism is not given. */
export const DEFAULT_PACK_PARALLELISM = 10;

export const PACK_LABEL = "jobx.dev/packed";

export interface PackOptions {
  group: string;
  /** Rows per pod (--per-pod K). */
  perPod: number;
  /** Pods at once, over the whole group (split across its Jobs). */
  parallelism?: number;
  /** Pods per Job; the API's limit by default (tests give a smaller one). */
  maxPerJob?: number;
}

/** One row of the group, as it runs packed. */
export interface PackedItem {
  /** The name its Job would have had: the item's name in status, logs and reports. */
  name: string;
  /** Its row number (0-based, in expansion order). */
  row: number;
  params: Record<string, unknown>;
  /** The packed Job that runs it, and its completion index there. */
  job: string;
  index: number;
}

export interface RowsConfigMap {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  data: Record<string, string>;
}

export interface PackPlan {
  jobs: JobObject[];
  configMaps: RowsConfigMap[];
  items: PackedItem[];
  perPod: number;
}

export interface PackRow {
  /** The row's one Job, named, labelled and annotated as expand makes it. */
  job: JobObject;
  row: number;
  params: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** jobx's own keys, and the Job's name: these differ between rows by design. */
function comparable(job: JobObject): Obj {
  const strip = (m: Record<string, string> | undefined) => Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => !k.startsWith(JOBX_PREFIX)));
  const { name: _name, labels, annotations, ...meta } = job.metadata;
  const template = job.spec.template;
  return {
    ...job,
    metadata: { ...meta, labels: strip(labels), annotations: strip(annotations) },
    spec: { ...job.spec, template: { ...template, metadata: { ...template.metadata, labels: strip(template.metadata?.labels) } } },
  };
}

/** A path the pod can be given at run time: spec.template.spec.containers[c].command[j] / .args[j] / .env[k].value. */
const VARIABLE = /^spec\.template\.spec\.containers\[(\d+)\]\.(command\[\d+\]|args\[\d+\]|env\[\d+\]\.value)$/;

/** Every path where `a` and `b` differ, with the two values. */
function differences(a: unknown, b: unknown, path: string, out: { path: string; a: unknown; b: unknown }[]): void {
  if (out.length > 50) return;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => differences(x, b[i], `${path}[${i}]`, out));
    return;
  }
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences(a[k], b[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (a !== b && JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, a, b });
}

function show(value: unknown): string {
  return value === undefined ? "unset" : typeof value === "string" ? showText(value) : JSON.stringify(value);
}

/** The checks a row's Job must pass to run as one pod of a packed Job. */
function verifySinglePod(job: JobObject, row: number): void {
  const { completions, parallelism, completionMode } = job.spec;
  const why =
    completionMode === "Indexed"
      ? "it is an Indexed Job already"
      : typeof completions === "number" && completions !== 1
        ? `it has completions: ${completions}`
        : typeof parallelism === "number" && parallelism > 1
          ? `it has parallelism: ${parallelism}`
          : undefined;
  if (why) {
    throw new InputError(`row ${row}: --pack runs each row as one pod, but its Job is more than one pod (${why})`, {
      details: ["fix: drop --pack (each row stays a Job of its own), or make each row one pod and let --pack and --parallelism spread the rows"],
    });
  }
  if (job.spec.template.spec.restartPolicy !== "Never") {
    throw new InputError(`row ${row}: --pack needs restartPolicy: Never (each row's failures are counted per index, backoffLimitPerIndex, which Kubernetes allows with Never only)`, {
      details: ["fix: set spec.template.spec.restartPolicy: Never (a failed row's pod is then retried up to the template's backoffLimit), or drop --pack"],
    });
  }
}

/** kubelet's expansion of `$(VAR)` in command and args from the container's env (`$$` escapes it). */
export function expandVars(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) => (m === "$$" ? "$" : name !== undefined && env.has(name) ? (env.get(name) as string) : m));
}

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  volumeMounts?: unknown[];
  [k: string]: unknown;
}

/** A container's literal env, in order, each value expanded from the ones before it as kubelet does. */
function literalEnv(container: Container): Map<string, string> {
  const env = new Map<string, string>();
  for (const e of container.env ?? []) if (typeof e.value === "string") env.set(e.name, expandVars(e.value, env));
  return env;
}

export function planPack(rows: readonly PackRow[], options: PackOptions): PackPlan {
  const first = rows[0];
  if (!first) throw new InputError("--pack needs at least one row");
  const K = options.perPod;
  for (const r of rows) verifySinglePod(r.job, r.row);

  // What differs between rows, and whether a pod can be given it.
  const base = comparable(first.job);
  const varying = new Set<number>();
  for (const r of rows.slice(1)) {
    const found: { path: string; a: unknown; b: unknown }[] = [];
    differences(base, comparable(r.job), "", found);
    for (const d of found) {
      const m = VARIABLE.exec(d.path);
      if (!m || (d.path.endsWith(".value") && (typeof d.a !== "string" || typeof d.b !== "string"))) {
        throw new InputError(`rows ${first.row} and ${r.row} differ in ${d.path} (${show(d.a)} and ${show(d.b)}): one pod template cannot vary that, so these rows cannot be packed into one Job`, {
          details: [
            "a packed pod is given each row's command, args and env values; every other field is the same for all its rows",
            "fix: split the group so each part shares that field (one --group per value), or drop --pack",
          ],
        });
      }
      varying.add(Number(m[1]));
    }
  }
  const containers = (first.job.spec.template.spec.containers as Container[]).map((c, i) => ({ c, i }));
  for (const i of varying) {
    const c = containers[i]?.c;
    if (c && !c.command) {
      throw new InputError(`container ${showText(c.name)}: its args differ between rows but it has no command, so it runs the image's entrypoint, which a packed pod cannot keep`, {
        details: ["fix: spell the command out in the template (command: [\"/app/run\"]), or drop --pack"],
      });
    }
    const fromElsewhere = (c?.env ?? []).filter((e) => e.valueFrom !== undefined).map((e) => e.name);
    const uses = [...(c?.command ?? []), ...(c?.args ?? [])].find((a) => fromElsewhere.some((n) => a.includes(`$(${n})`)));
    if (uses !== undefined) {
      throw new InputError(`container ${showText(c?.name ?? "")}: its command refers to $(VAR) of an env value from valueFrom, which jobx cannot expand when it packs`, {
        details: ["fix: refer to the variable in a shell instead (sh -c '… $VAR …'), or drop --pack"],
      });
    }
  }

  // Jobs: as few as the API's limits allow; rows ConfigMaps: as few as their size allows.
  const pods = Math.ceil(rows.length / K);
  const perJob = options.maxPerJob ?? MAX_INDEXED_COMPLETIONS;
  const jobCount = Math.ceil(pods / perJob);
  const jobName = (n: number) => (jobCount === 1 ? options.group : `${options.group}-${n}`);
  const parallelism = options.parallelism ?? DEFAULT_PACK_PARALLELISM;
  const labels = { [LABEL.managedBy]: MANAGED_BY, [LABEL.group]: options.group };

  const configMaps: RowsConfigMap[] = [];
  let current: RowsConfigMap | undefined;
  let size = 0;
  const shardOf = new Map<number, string>();
  const put = (row: number, key: string, text: string) => {
    const bytes = key.length + Buffer.byteLength(text);
    if (!current || size + bytes > ROWS_CONFIGMAP_BYTES) {
      current = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${options.group}-rows-${configMaps.length}`, labels: { ...labels, [PACK_LABEL]: "rows" } }, data: {} };
      configMaps.push(current);
      size = 0;
    }
    current.data[key] = text;
    size += bytes;
    shardOf.set(row, current.metadata.name);
  };
  for (const r of rows) {
    const podContainers = r.job.spec.template.spec.containers as Container[];
    for (const i of varying) {
      const c = podContainers[i] as Container;
      const env = literalEnv(c);
      const baseEnv = new Set(((containers[i]?.c.env ?? []) as { name: string; value?: string }[]).map((e) => e.name));
      const own = (c.env ?? []).filter((e) => typeof e.value === "string" && baseEnv.has(e.name)).map((e) => [e.name, env.get(e.name) ?? ""] as const);
      put(r.row, rowKey(r.row, i), rowFile([...(c.command ?? []), ...(c.args ?? [])].map((a) => expandVars(a, env)), own));
    }
  }

  const items: PackedItem[] = rows.map((r, n) => {
    const pod = Math.floor(n / K);
    const job = Math.floor(pod / perJob);
    return { name: r.job.metadata.name as string, row: r.row, params: r.params, job: jobName(job), index: pod - job * perJob };
  });

  const jobs: JobObject[] = [];
  for (let n = 0; n < jobCount; n++) {
    const firstPod = n * perJob;
    const podsHere = Math.min(perJob, pods - firstPod);
    const firstRow = firstPod * K;
    const endRow = Math.min(rows.length, (firstPod + podsHere) * K);
    const shards = [...new Set(rows.slice(firstRow, endRow).map((r) => shardOf.get(r.row)).filter((s): s is string => s !== undefined))];
    jobs.push(packedJob(first.job, { name: jobName(n), group: options.group, completions: podsHere, parallelism: Math.max(1, Math.min(podsHere, Math.ceil(parallelism / jobCount))), firstRow, endRow, perPod: K, varying, shards }));
  }
  return { jobs, configMaps, items, perPod: K };
}

/** One packed Job: the first row's Job as the pod template, its varying containers run by the resolver. */
function packedJob(
  template: JobObject,
  p: { name: string; group: string; completions: number; parallelism: number; firstRow: number; endRow: number; perPod: number; varying: ReadonlySet<number>; shards: string[] },
): JobObject {
  const job = JSON.parse(JSON.stringify(template)) as JobObject;
  const spec = job.spec as JobObject["spec"] & { backoffLimit?: number; activeDeadlineSeconds?: number; backoffLimitPerIndex?: number; maxFailedIndexes?: number };
  const labels = { [LABEL.managedBy]: MANAGED_BY, [LABEL.group]: p.group, [PACK_LABEL]: "job" };
  const keep = (m: Record<string, string> | undefined) => Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => !k.startsWith(JOBX_PREFIX)));
  job.metadata = { ...job.metadata, name: p.name, labels: { ...keep(job.metadata.labels), ...labels }, annotations: keep(job.metadata.annotations) };
  delete job.metadata.annotations?.[ANNOTATION.params];
  const podSpec = spec.template.spec as Record<string, unknown> & { containers: Container[]; volumes?: unknown[]; activeDeadlineSeconds?: number };
  // A row's Job deadline becomes its pod's (K rows: K times as long); a Job-wide one would stop every row.
  if (spec.activeDeadlineSeconds !== undefined) podSpec.activeDeadlineSeconds = spec.activeDeadlineSeconds * p.perPod;
  const perIndex = spec.backoffLimit ?? 6;
  delete spec.activeDeadlineSeconds;
  delete spec.backoffLimit;
  Object.assign(spec, {
    completionMode: "Indexed",
    completions: p.completions,
    parallelism: p.parallelism,
    // One row's failures do not fail the others: each index has its own retries, and no count of failed indexes ends the Job.
    backoffLimitPerIndex: perIndex,
    maxFailedIndexes: p.completions,
  });
  spec.template.metadata = { ...spec.template.metadata, labels: { ...keep(spec.template.metadata?.labels), ...labels } };
  if (p.varying.size > 0) {
    podSpec.volumes = [
      ...(podSpec.volumes ?? []),
      { name: "jobx-rows", projected: { sources: p.shards.map((name) => ({ configMap: { name } })) } },
    ];
  }
  podSpec.containers = podSpec.containers.map((c, i) => {
    if (!p.varying.has(i)) return c;
    const { args: _args, ...rest } = c;
    return {
      ...rest,
      command: ["/bin/sh", "-c", resolverScript(i, p.perPod)],
      // Literal env values come from the row's file (each row's own); env from valueFrom stays.
      env: [
        ...(c.env ?? []).filter((e) => typeof e.value !== "string"),
        { name: "JOBX_FIRST_ROW", value: String(p.firstRow) },
        { name: "JOBX_END_ROW", value: String(p.endRow) },
      ],
      volumeMounts: [...(c.volumeMounts ?? []), { name: "jobx-rows", mountPath: ROWS_DIR, readOnly: true }],
    };
  });
  return job;
}
