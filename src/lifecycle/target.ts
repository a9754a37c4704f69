/** Where cluster commands go: the user's kubectl (JOBX_KUBECTL picks another), kubeconfig, context and namespace. */
import type { KubeTarget } from "../kube/plans";

export interface TargetOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export function resolveTarget(options: TargetOptions, env: Record<string, string | undefined>): KubeTarget {
  const target: KubeTarget = { kubectl: env.JOBX_KUBECTL || "kubectl" };
  if (options.kubeconfig) target.kubeconfig = options.kubeconfig;
  if (options.context) target.context = options.context;
  if (options.namespace) target.namespace = options.namespace;
  return target;
}
