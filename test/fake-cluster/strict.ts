/**
 * Known-field trees for `fieldValidation=Strict`: unknown fields are rejected with
 * 400 `strict decoding error: unknown field "spec.x"`, as the apiserver's strict JSON
 * decoder does. Leaves (true) are not looked into.
 */
import { isPlainObject, type Obj } from "./util";

type Tree = true | { [field: string]: Tree } | { "*": Tree };

const leaves = (...names: string[]): Record<string, Tree> => Object.fromEntries(names.map((n) => [n, true as Tree]));

const ownerReference: Tree = leaves("apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion");

export const OBJECT_META: Tree = {
  ...leaves("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "finalizers", "managedFields", "labels", "annotations"),
  ownerReferences: ownerReference,
};

const envVar: Tree = leaves("name", "value", "valueFrom");

const container: Tree = {
  ...leaves("name", "image", "command", "args", "workingDir", "ports", "envFrom", "resources", "resizePolicy", "restartPolicy", "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty"),
  env: envVar,
};

const podSpec: Tree = {
  ...leaves("volumes", "restartPolicy", "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector", "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName", "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "securityContext", "imagePullSecrets", "hostname", "subdomain", "affinity", "schedulerName", "tolerations", "hostAliases", "priorityClassName", "priority", "dnsConfig", "readinessGates", "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead", "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates", "resourceClaims", "resources", "ephemeralContainers"),
  containers: container,
  initContainers: container,
};

const podTemplate: Tree = { metadata: OBJECT_META, spec: podSpec };

const podFailurePolicy: Tree = {
  rules: {
    ...leaves("action"),
    onExitCodes: leaves("containerName", "operator", "values"),
    onPodConditions: leaves("type", "status"),
  },
};

const jobSpec: Tree = {
  ...leaves("parallelism", "completions", "activeDeadlineSeconds", "successPolicy", "backoffLimit", "backoffLimitPerIndex", "maxFailedIndexes", "selector", "manualSelector", "ttlSecondsAfterFinished", "completionMode", "suspend", "podReplacementPolicy", "managedBy"),
  podFailurePolicy,
  template: podTemplate,
};

const top = (spec: Record<string, Tree>): Tree => ({ ...leaves("apiVersion", "kind", "status"), metadata: OBJECT_META, ...spec });

export const KNOWN_FIELDS: Record<string, Tree> = {
  Job: top({ spec: jobSpec }),
  Pod: top({ spec: podSpec }),
  ConfigMap: top(leaves("data", "binaryData", "immutable")),
  Namespace: top(leaves("spec")),
  Event: true,
};

function walk(value: unknown, tree: Tree, path: string, out: string[]): void {
  if (tree === true) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, tree, `${path}[${i}]`, out));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const sub = (tree as Record<string, Tree>)[k] ?? (tree as Record<string, Tree>)["*"];
    const p = path === "" ? k : `${path}.${k}`;
    if (sub === undefined) out.push(p);
    else walk(v, sub, p, out);
  }
}

/** Paths of fields the type does not have, in document order. */
export function unknownFields(kind: string, obj: Obj): string[] {
  const tree = KNOWN_FIELDS[kind];
  if (tree === undefined) return [];
  const out: string[] = [];
  walk(obj, tree, "", out);
  return out;
}
