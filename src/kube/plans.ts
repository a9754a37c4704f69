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
  /** What this call is for, in words, for --dry-run=client and messages. */
  purpose: string;
}

/** Our field manager for server-side apply: it owns what jobx writes. */
export const FIELD_MANAGER = "jobx";

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

/**
 * Server-side apply: one PATCH per object that creates it when absent and changes
 * nothing when it is the same (so re-running is safe and costs one request per Job),
 * and that answers 422 when an immutable field of an existing Job would change.
 */
export function applyPlan(target: KubeTarget, documents: object[], options: { dryRun?: "server"; purpose: string }): KubectlPlan {
  const args = ["apply", "--server-side", `--field-manager=${FIELD_MANAGER}`, "-f", "-", "-o", "json"];
  if (options.dryRun) args.push("--dry-run=server");
  return plan(target, args, options.purpose, documents.map((d) => JSON.stringify(d)).join("\n"));
}

export function getPlan(target: KubeTarget, resource: string, selector: { labels?: string; name?: string }, purpose: string): KubectlPlan {
  const args = ["get", resource];
  if (selector.name) args.push(selector.name);
  if (selector.labels) args.push("-l", selector.labels);
  args.push("-o", "json");
  if (selector.name) args.push("--ignore-not-found");
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

/** Deletes by label selector, with an explicit propagation policy. Never an empty selector. */
export function deletePlan(target: KubeTarget, resource: string, labels: string, cascade: "background" | "foreground", purpose: string): KubectlPlan {
  if (!labels.includes("=")) throw new Error(`refusing to delete ${resource} with the selector ${JSON.stringify(labels)}`);
  return plan(target, ["delete", resource, "-l", labels, `--cascade=${cascade}`, "--ignore-not-found", "--wait=false"], purpose);
}

export function deleteByNamePlan(target: KubeTarget, resource: string, names: string[], cascade: "background" | "foreground", purpose: string): KubectlPlan {
  if (names.length === 0) throw new Error("refusing to delete with no names");
  return plan(target, ["delete", resource, ...names, `--cascade=${cascade}`, "--ignore-not-found", "--wait=false"], purpose);
}

export function logsPlan(target: KubeTarget, pod: string, options: { follow?: boolean; container?: string; tail?: number }): KubectlPlan {
  const args = ["logs", pod, "--timestamps=false"];
  if (options.tail !== undefined) args.push(`--tail=${options.tail}`);
  if (options.container) args.push("-c", options.container);
  else args.push("--all-containers=true");
  if (options.follow) args.push("-f");
  return plan(target, args, `logs of ${pod}`);
}

/** How a plan reads as a shell command, for --dry-run=client and resume hints. */
export function showPlan(p: KubectlPlan): string {
  const quoteArg = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [p.command, ...p.args].map(quoteArg).join(" ") + (p.stdin !== undefined ? " < (manifests)" : "");
}
