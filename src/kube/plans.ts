/**
 * Every kubectl call jobx makes, built as a plan `{command, args, stdin}` by a pure
 * function, so `--dry-run=client` and tests can show it without running it.
 * Arguments are arrays; no shell is involved.
 */

export interface KubeTarget {
  /** The kubectl binary: JOBX_KUBECTL, else `kubectl` on PATH. */
  kubectl: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export interface KubectlPlan {
  command: string;
  args: string[];
  /** Text for kubectl's stdin (`-f -`). */
  stdin?: string;
  /** What this call is for, in words, for --dry-run=client and messages ("list the Jobs of group g"). */
  purpose: string;
}

/** Our field manager: it owns what jobx writes. */
export const FIELD_MANAGER = "jobx";
/**
 * The manager of the fields `jobx scale`, `suspend` and `resume` change. Its own, so
 * that applying just those fields takes nothing from what `jobx` applied (server-side
 * apply removes a manager's fields that its next apply leaves out).
 */
export const CONTROL_FIELD_MANAGER = "jobx-control";

export function targetArgs(target: KubeTarget): string[] {
  const args: string[] = [];
  if (target.kubeconfig) args.push("--kubeconfig", target.kubeconfig);
  if (target.context) args.push("--context", target.context);
  if (target.namespace) args.push("--namespace", target.namespace);
  return args;
}

function plan(target: KubeTarget, args: string[], purpose: string, stdin?: string): KubectlPlan {
  return stdin === undefined
    ? { command: target.kubectl, args: [...args, ...targetArgs(target)], purpose }
    : { command: target.kubectl, args: [...args, ...targetArgs(target)], stdin, purpose };
}

function documents(objects: readonly object[]): string {
  return objects.map((d) => JSON.stringify(d)).join("\n");
}

/**
 * Creates objects that do not exist yet: an object that appeared meanwhile is refused
 * (409 AlreadyExists), never merged into. `-o name` prints each object as it is written,
 * also when others fail (`-o json` prints nothing once any object fails).
 */
export function createPlan(target: KubeTarget, objects: readonly object[], options: { dryRun?: "server"; purpose: string; output?: "json" | "name" }): KubectlPlan {
  const args = ["create", `--field-manager=${FIELD_MANAGER}`, "-f", "-", "-o", options.output ?? (options.dryRun ? "json" : "name")];
  if (options.dryRun) args.push("--dry-run=server");
  return plan(target, args, options.purpose, documents(objects));
}

/**
 * Server-side apply of objects jobx has checked are its own: one PATCH each, which
 * answers 422 when an immutable field of a Job would change. Each object carries its
 * uid, so an object deleted and re-made by someone else since the check is refused
 * (409) instead of changed. `--force-conflicts`: the fields are jobx's own (it created
 * the object), whichever operation recorded them.
 */
export function applyPlan(target: KubeTarget, objects: readonly object[], options: { dryRun?: "server"; purpose: string; output?: "json" | "name"; fieldManager?: string }): KubectlPlan {
  const args = ["apply", "--server-side", `--field-manager=${options.fieldManager ?? FIELD_MANAGER}`, "--force-conflicts", "-f", "-", "-o", options.output ?? "name"];
  if (options.dryRun) args.push("--dry-run=server");
  return plan(target, args, options.purpose, documents(objects));
}

/**
 * A read as JSON. `managedFields`: keep the objects' field managers (kubectl drops them
 * by default), which say who made an object that stands in jobx's way.
 */
export function getPlan(target: KubeTarget, resource: string, selector: { labels?: string; names?: readonly string[]; allNamespaces?: boolean; managedFields?: boolean }, purpose: string): KubectlPlan {
  const args = ["get", resource, ...(selector.names ?? [])];
  if (selector.labels) args.push("-l", selector.labels);
  args.push("-o", "json");
  if (selector.managedFields) args.push("--show-managed-fields");
  if (selector.names?.length) args.push("--ignore-not-found");
  if (selector.allNamespaces) args.push("--all-namespaces");
  return plan(target, args, purpose);
}

/**
 * A watch of one resource type (kubectl refuses several types per watch; see
 * cli-runtime's builder.go): the current list as ADDED events, then changes, one JSON
 * event per line. kubectl exits 0 when the server ends the stream.
 */
export function watchPlan(target: KubeTarget, resource: string, labels: string): KubectlPlan {
  return plan(target, ["get", resource, "-l", labels, "--watch", "-o", "json", "--output-watch-events"], `watch ${resource} of the group`);
}

/** The API path of one object, for raw requests. */
export function objectPath(resource: "configmaps" | "jobs", namespace: string, name: string): string {
  const base = resource === "jobs" ? "/apis/batch/v1" : "/api/v1";
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}`;
}

/**
 * Deletes one object only if it is still the one jobx checked (a uid precondition: 409
 * if it was replaced meanwhile). kubectl's own delete has no preconditions, so this is a
 * raw DELETE with DeleteOptions on stdin.
 */
export function deleteExactPlan(target: KubeTarget, path: string, uid: string, propagation: "Background" | "Foreground", purpose: string, dryRun?: "server"): KubectlPlan {
  const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: propagation, preconditions: { uid } };
  if (dryRun) body.dryRun = ["All"];
  return plan({ ...target, namespace: undefined }, ["delete", "--raw", path, "-f", "-"], purpose, JSON.stringify(body));
}

/** Deletes objects by name, with an explicit propagation policy. Only for names jobx has checked are the group's. */
export function deleteByNamePlan(target: KubeTarget, resource: string, names: readonly string[], cascade: "background" | "foreground", purpose: string): KubectlPlan {
  if (names.length === 0) throw new Error("refusing to delete with no names");
  return plan(target, ["delete", resource, ...names, `--cascade=${cascade}`, "--ignore-not-found", "--wait=false"], purpose);
}

/** What of a pod's log to read, as kubectl's flags say it. */
export interface LogsSelection {
  follow?: boolean;
  /** One container; every container when unset. */
  container?: string;
  /** The last N lines. */
  tail?: number;
  /** Only lines newer than this (kubectl's duration: 5s, 2m, 3h). */
  since?: string;
  /** Each line prefixed with its RFC 3339 time. */
  timestamps?: boolean;
}

export function logsPlan(target: KubeTarget, pod: string, options: LogsSelection): KubectlPlan {
  const args = ["logs", pod, `--timestamps=${options.timestamps === true}`];
  if (options.tail !== undefined) args.push(`--tail=${options.tail}`);
  if (options.since !== undefined) args.push(`--since=${options.since}`);
  if (options.container) args.push("-c", options.container);
  else args.push("--all-containers=true");
  if (options.follow) args.push("-f");
  return plan(target, args, `read the logs of pod ${pod}`);
}

/** The context and namespace kubectl will use, as `<context>\t<namespace>` (the namespace empty for the context's default). */
export function contextPlan(target: KubeTarget): KubectlPlan {
  const args = ["config", "view", "--minify", "-o", "jsonpath={.current-context}{\"\\t\"}{.contexts[0].context.namespace}"];
  if (target.kubeconfig) args.push("--kubeconfig", target.kubeconfig);
  if (target.context) args.push("--context", target.context);
  return { command: target.kubectl, args, purpose: "read the kubeconfig's context and namespace" };
}

/** How a plan reads as a shell command, for --dry-run=client and resume hints. */
export function showPlan(p: KubectlPlan): string {
  const quoteArg = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [p.command, ...p.args].map(quoteArg).join(" ") + (p.stdin !== undefined ? " < (manifests)" : "");
}
